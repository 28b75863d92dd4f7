package alert

import (
	"context"
	"fmt"
	"time"

	"github.com/yuqing/yuqing/model"
)

type deliveryIDKey struct{}

// WithDeliveryID returns a context that carries the outbox id of the
// delivery being sent. Receivers that can pass an idempotency key (the
// webhook's X-Yuqing-Delivery header) read it with DeliveryID; the
// Notifier interface itself stays a pure alert → destination call.
func WithDeliveryID(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, deliveryIDKey{}, id)
}

// DeliveryID returns the delivery id WithDeliveryID put in ctx.
func DeliveryID(ctx context.Context) (int64, bool) {
	id, ok := ctx.Value(deliveryIDKey{}).(int64)
	return id, ok
}

// RetryAfterError is a retryable failure whose destination said when to
// come back (HTTP Retry-After, a robot's rate-limit window). The dispatcher
// schedules the next attempt exactly After from now instead of using its
// own backoff; if that is past the delivery's give-up time it gives up at
// once.
type RetryAfterError struct {
	After time.Duration
	Err   error
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("%v (retry after %s)", e.Err, e.After)
}

func (e *RetryAfterError) Unwrap() error { return e.Err }

// DeferError says a destination cannot take a message before Until: it is
// over its rate limit (ours, or it said it is throttling us). The
// dispatcher puts the delivery back until then without counting an
// attempt: waiting for a rate limit is not a failure, and must not use up
// the delivery's retries.
type DeferError struct {
	Until time.Time
	Err   error
}

func (e *DeferError) Error() string {
	return fmt.Sprintf("%v (deferred until %s)", e.Err, e.Until.UTC().Format(time.RFC3339))
}

func (e *DeferError) Unwrap() error { return e.Err }

// RateLimited is a Notifier whose destination takes only so many messages
// in a span of time. Budget returns how many it takes at now, and when it
// takes none, when the next one frees. The dispatcher plans with it (send
// alone, merge into a digest, or wait); the notifier still books every
// send itself and answers *DeferError when it cannot.
type RateLimited interface {
	Budget(now time.Time) (n int, next time.Time)
}

// DigestEntry is one delivery merged into a digest.
type DigestEntry struct {
	DeliveryID int64       `json:"delivery_id"`
	Alert      model.Alert `json:"alert"`
}

// Digester is a Notifier that can merge several alerts into one message
// (汇总), sent when its destination is over its rate limit. It reports like
// Notify; the outcome applies to every entry.
type Digester interface {
	NotifyDigest(ctx context.Context, entries []DigestEntry) (retry bool, err error)
}

// ReportSender is a receiver that can announce a finished report (email:
// HTML body with the PDF attached; chat robots: title, summary and link;
// webhook: a yuqing.report payload). Reports are sent directly, not
// through the outbox: the caller retries on error.
type ReportSender interface {
	SendReport(ctx context.Context, r model.ReportNotice) error
}
