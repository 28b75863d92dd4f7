package alert_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/yuqing/yuqing/model"
)

// Delivery states of memOutbox.
const (
	statePending   = "pending"
	stateDelivered = "delivered"
	stateFailed    = "failed"
)

// memOutbox is an in-memory alert.Outbox with package store's semantics: a
// claim hides a delivery until now+lease and counts one attempt; a finished
// delivery is never claimed again; a late report on a finished delivery is
// ignored, except that delivered wins over failed.
type memOutbox struct {
	mu      sync.Mutex
	rows    map[int64]*outboxRow
	nextID  int64
	claims  int
	onClaim func(n int) // called after each claim with its size
}

type outboxRow struct {
	model.Delivery
	State      string
	FinishedAt time.Time
	// DigestOf is the first delivery id of the digest this one went out
	// in (0: sent alone); Deferrals counts rate-limit waits.
	DigestOf  int64
	Deferrals int
}

func newMemOutbox() *memOutbox { return &memOutbox{rows: map[int64]*outboxRow{}} }

func (o *memOutbox) add(caseID int64, receiver string, payload []byte, createdAt time.Time) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.nextID++
	o.rows[o.nextID] = &outboxRow{State: statePending, Delivery: model.Delivery{ID: o.nextID, CaseID: caseID,
		Receiver: receiver, Payload: payload, CreatedAt: createdAt, NextAttemptAt: createdAt}}
	return o.nextID
}

func (o *memOutbox) row(id int64) outboxRow {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.rows[id]
}

func (o *memOutbox) claimCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.claims
}

func (o *memOutbox) ClaimDeliveries(_ context.Context, now time.Time, lease time.Duration, limit int) ([]model.Delivery, error) {
	o.mu.Lock()
	var due []*outboxRow
	for _, r := range o.rows {
		if r.State == statePending && !r.NextAttemptAt.After(now) {
			due = append(due, r)
		}
	}
	slices.SortFunc(due, func(a, b *outboxRow) int {
		return cmp.Or(a.NextAttemptAt.Compare(b.NextAttemptAt), cmp.Compare(a.ID, b.ID))
	})
	if len(due) > limit {
		due = due[:limit]
	}
	out := make([]model.Delivery, len(due))
	for i, r := range due {
		r.NextAttemptAt = now.Add(lease)
		r.Attempts++
		out[i] = r.Delivery
	}
	o.claims++
	onClaim := o.onClaim
	o.mu.Unlock()
	if onClaim != nil {
		onClaim(len(out))
	}
	return out, nil
}

// mark applies change to row id if its state is one of from; a row in
// another state is left alone without error, like a stale report.
func (o *memOutbox) mark(id int64, change func(*outboxRow), from ...string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	r, ok := o.rows[id]
	if !ok {
		return fmt.Errorf("delivery %d: %w", id, model.ErrNotFound)
	}
	if slices.Contains(from, r.State) {
		change(r)
	}
	return nil
}

func (o *memOutbox) MarkDelivered(_ context.Context, id int64, at time.Time) error {
	return o.mark(id, func(r *outboxRow) {
		r.State, r.FinishedAt, r.LastError = stateDelivered, at, ""
	}, statePending, stateFailed)
}

func (o *memOutbox) MarkRetry(_ context.Context, id int64, next time.Time, errText string) error {
	return o.mark(id, func(r *outboxRow) { r.NextAttemptAt, r.LastError = next, errText }, statePending)
}

func (o *memOutbox) MarkFailed(_ context.Context, id int64, at time.Time, errText string) error {
	return o.mark(id, func(r *outboxRow) {
		r.State, r.FinishedAt, r.LastError = stateFailed, at, errText
	}, statePending)
}

// MarkDigestDelivered marks every delivery of a digest delivered at once,
// under one lock like the store's single transaction.
func (o *memOutbox) MarkDigestDelivered(_ context.Context, ids []int64, at time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, id := range ids {
		if _, ok := o.rows[id]; !ok {
			return fmt.Errorf("delivery %d: %w", id, model.ErrNotFound)
		}
	}
	for _, id := range ids {
		if r := o.rows[id]; r.State != stateDelivered {
			r.State, r.FinishedAt, r.LastError, r.DigestOf = stateDelivered, at, "", ids[0]
		}
	}
	return nil
}

// DeferDeliveries puts pending deliveries back until next and takes back
// the attempt their claim counted.
func (o *memOutbox) DeferDeliveries(_ context.Context, ids []int64, next time.Time) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, id := range ids {
		r, ok := o.rows[id]
		if !ok {
			return fmt.Errorf("delivery %d: %w", id, model.ErrNotFound)
		}
		if r.State == statePending {
			r.NextAttemptAt, r.Attempts, r.Deferrals = next, max(r.Attempts-1, 0), r.Deferrals+1
		}
	}
	return nil
}
