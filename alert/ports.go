package alert

import (
	"context"
	"time"

	"github.com/yuqing/yuqing/model"
)

// CaseStore records tagged items in cases: one case per story and
// department. RecordStory stores the item and, in one transaction, for each
// opening finds the department's case of the item's story or opens it
// (a quiet opening only grows an existing case), attaches the item (an item
// attached already changes nothing: redelivered messages are harmless),
// hands the change to policy and saves what the policy decided: the case,
// its deadlines, its audit events and its messages, each message queued in
// the outbox once per receiver under its key. It returns the changes made
// (cases opened or grown).
//
// ActiveSilences returns the silences stored (through the API) that are in
// force at now.
type CaseStore interface {
	RecordStory(ctx context.Context, t model.TaggedItem, openings []model.CaseOpening, now time.Time, policy model.CasePolicy) ([]model.CaseChange, error)
	ActiveSilences(ctx context.Context, now time.Time) ([]model.Silence, error)
}

// CaseClock is what the deadline clock needs: DueCases returns the ids of
// the cases with a deadline point, a held-back update or a repeat due at
// now (lead cases first, then by id, so that inhibition sees the lead's
// escalation first); AdvanceCase loads one case with its story's other
// cases in a transaction, hands it to policy and saves the result as
// RecordStory does.
type CaseClock interface {
	DueCases(ctx context.Context, now time.Time, limit int) ([]int64, error)
	AdvanceCase(ctx context.Context, id int64, now time.Time, policy model.CasePolicy) (model.CaseChange, error)
	ActiveSilences(ctx context.Context, now time.Time) ([]model.Silence, error)
}

// Outbox is the durable queue of deliveries. ClaimDeliveries returns up to
// limit deliveries that are due at now and pushes their next attempt to
// now+lease, so that a crashed sender's claims come back after the lease and
// two senders never hold the same delivery at once.
type Outbox interface {
	ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]model.Delivery, error)
	MarkDelivered(ctx context.Context, id int64, at time.Time) error
	MarkRetry(ctx context.Context, id int64, next time.Time, errText string) error
	MarkFailed(ctx context.Context, id int64, at time.Time, errText string) error
	// MarkDigestDelivered records that the deliveries went out together in
	// one digest message, all in one transaction.
	MarkDigestDelivered(ctx context.Context, ids []int64, at time.Time) error
	// DeferDeliveries puts claimed deliveries back until next because their
	// destination is over its rate limit: the attempt the claim counted is
	// taken back and last_error is left as it was. Finished deliveries are
	// left alone.
	DeferDeliveries(ctx context.Context, ids []int64, next time.Time) error
}

// Notifier delivers one alert to one destination. retry reports whether a
// failed attempt may succeed later (network error, 5xx, rate limit); a
// permanent failure (bad key, 4xx) returns retry=false.
type Notifier interface {
	Notify(ctx context.Context, a model.Alert) (retry bool, err error)
}
