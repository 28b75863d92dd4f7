package alert

import (
	"context"
	"time"

	"github.com/yuqing/yuqing/model"
)

// CaseStore opens cases. OpenCases creates, in one transaction, one case per
// opening for the item (unique per item and department) and, for each case
// it creates, one outbox delivery per receiver whose payload is the JSON of
// the model.Alert (with the new case id). A case that already exists is left
// alone and gets no new deliveries, which makes redelivered messages
// harmless. It returns the cases it created.
type CaseStore interface {
	OpenCases(ctx context.Context, t model.TaggedItem, openings []model.CaseOpening, now time.Time) ([]model.Case, error)
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
}

// Notifier delivers one alert to one destination. retry reports whether a
// failed attempt may succeed later (network error, 5xx, rate limit); a
// permanent failure (bad key, 4xx) returns retry=false.
type Notifier interface {
	Notify(ctx context.Context, a model.Alert) (retry bool, err error)
}
