package alert

import (
	"context"
	"fmt"
	"time"
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
