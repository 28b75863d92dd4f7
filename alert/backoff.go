package alert

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// backoff decides when a failed delivery is tried again, and when it is
// given up.
type backoff struct {
	initial, max, giveUpAfter time.Duration
	rand                      func() float64
}

func newBackoff(r config.Retry, rnd func() float64) (backoff, error) {
	if r.Initial < 0 || r.Max < 0 || r.GiveUpAfter < 0 {
		return backoff{}, errors.New("retry durations must not be negative")
	}
	b := backoff{
		initial:     positiveOr(r.Initial.D(), DefaultRetryInitial),
		max:         positiveOr(r.Max.D(), DefaultRetryMax),
		giveUpAfter: positiveOr(r.GiveUpAfter.D(), DefaultGiveUpAfter),
		rand:        rnd,
	}
	if b.initial > b.max {
		return backoff{}, fmt.Errorf("retry initial %s is longer than retry max %s", b.initial, b.max)
	}
	if b.rand == nil {
		b.rand = rand.Float64
	}
	return b, nil
}

// attemptNumber is the number of the attempt under way, 1 for the first:
// the outbox counts an attempt when it hands the delivery out (so that a
// sender crashing mid-send counts too). An outbox that does not count at
// all still gets the initial backoff.
func attemptNumber(del model.Delivery) int { return max(del.Attempts, 1) }

// delay is the nominal wait after the given attempt (1 = the first one):
// initial, doubling per attempt, capped at max.
func (b backoff) delay(attempt int) time.Duration {
	d := b.initial
	for i := 1; i < attempt && d < b.max; i++ {
		d *= 2
	}
	return min(d, b.max)
}

// next returns when del, which just failed at now with cause, is tried
// again, or a reason to give up. The wait is jittered between half and all
// of the nominal delay, so that deliveries that failed together (a receiver
// that was down) do not all come back at the same instant. The last retry
// is moved up to the give-up time rather than skipped; a destination that
// asks us to wait past that time has in effect refused the alert.
func (b backoff) next(del model.Delivery, now time.Time, cause error) (time.Time, string) {
	deadline := del.CreatedAt.Add(b.giveUpAfter)
	if !now.Before(deadline) {
		return time.Time{}, fmt.Sprintf("gave up: not delivered within %s of being queued", b.giveUpAfter)
	}
	if ra, ok := errors.AsType[*RetryAfterError](cause); ok && ra.After > 0 {
		next := now.Add(ra.After)
		if next.After(deadline) {
			return time.Time{}, fmt.Sprintf("gave up: the receiver asked to wait %s, past the give-up time %s", ra.After, deadline.Format(time.RFC3339))
		}
		return next, ""
	}
	d := b.delay(attemptNumber(del))
	wait := max(d/2+time.Duration(b.rand()*float64(d/2)), minimumRetryInterval)
	if next := now.Add(wait); next.Before(deadline) {
		return next, ""
	}
	return deadline, ""
}
