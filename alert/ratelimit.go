package alert

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Window is one limit of a destination: at most Limit messages in any span
// of Per.
type Window struct {
	Limit int
	Per   time.Duration
}

func (w Window) String() string { return fmt.Sprintf("%d/%s", w.Limit, w.Per) }

// Limiter is the token bucket of one destination (a robot, a mailbox),
// shared by every receiver that sends there. It keeps a log of sends: the
// token of a send at t comes back at exactly t+Per, so no span of Per ever
// holds more than Limit sends. A bucket that refills continuously
// (golang.org/x/time/rate) would let Limit + Limit·W/Per sends through in a
// span W — up to 40 in a minute for a robot that allows 20, which DingTalk
// punishes by blocking the robot for ten minutes.
//
// A send reaches the destination some time between its start and its end,
// so each is booked as that interval: from its booked time to that time
// plus the slack given to Reserve (the request timeout) while it is in
// flight, and to when it really finished once the sender says so
// (Reservation.Sent). A new send is placed where, whatever the moments
// within those intervals, no window can hold more than its limit.
type Limiter struct {
	mu          sync.Mutex
	windows     []Window
	longest     time.Duration
	log         []booking
	nextID      uint64
	pausedUntil time.Time
}

// booking is one send, known to reach the destination within [from, to].
type booking struct {
	id       uint64
	from, to time.Time
}

// NewLimiter returns a limiter that enforces every window at once (for
// Feishu: 100 a minute and 5 a second).
func NewLimiter(windows ...Window) (*Limiter, error) {
	if len(windows) == 0 {
		return nil, errors.New("alert: new limiter: no window")
	}
	l := &Limiter{windows: slices.Clone(windows)}
	for _, w := range windows {
		if w.Limit <= 0 || w.Per <= 0 {
			return nil, fmt.Errorf("alert: new limiter: window %s: limit and span must be positive", w)
		}
		l.longest = max(l.longest, w.Per)
	}
	return l, nil
}

// Windows returns the limits the limiter enforces.
func (l *Limiter) Windows() []Window { return slices.Clone(l.windows) }

// Reservation is a booking of consecutive sends. At[i] is the earliest time
// send i may be made; the sender reports each send with Sent and gives back
// the ones it did not make with Cancel.
type Reservation struct {
	At  []time.Time
	l   *Limiter
	ids []uint64
}

// Reserve books n sends, none before now, each at the earliest time every
// window allows. slack is how much later than its start a send may reach
// the destination (its timeout).
func (l *Limiter) Reserve(now time.Time, n int, slack time.Duration) *Reservation {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	r := &Reservation{l: l}
	t := now
	if l.pausedUntil.After(t) {
		t = l.pausedUntil
	}
	for range n {
		t = l.earliest(t, slack)
		l.nextID++
		l.log = append(l.log, booking{id: l.nextID, from: t, to: t.Add(slack)})
		r.At = append(r.At, t)
		r.ids = append(r.ids, l.nextID)
	}
	return r
}

// Sent records that send i finished at at: from now on it counts as made
// between its booked time and then.
func (r *Reservation) Sent(i int, at time.Time) {
	r.l.mu.Lock()
	defer r.l.mu.Unlock()
	for j := range r.l.log {
		if b := &r.l.log[j]; b.id == r.ids[i] {
			b.to = at
			if at.Before(b.from) {
				b.from = at
			}
			return
		}
	}
}

// Cancel gives back the sends from index from on, which were not made.
func (r *Reservation) Cancel(from int) {
	if from >= len(r.ids) {
		return
	}
	drop := r.ids[from:]
	r.l.mu.Lock()
	defer r.l.mu.Unlock()
	r.l.log = slices.DeleteFunc(r.l.log, func(b booking) bool { return slices.Contains(drop, b.id) })
}

// Seed books sends made before the limiter existed: by the process before
// it restarted, or by another instance. Each counts as reaching the
// destination at the time given, when it was known to be delivered. It
// arrived no later than that, so its token comes back no sooner than the
// destination frees it. Sends that no window can see any more are
// dropped as the limiter is used.
func (l *Limiter) Seed(sent ...time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, t := range sent {
		l.nextID++
		l.log = append(l.log, booking{id: l.nextID, from: t, to: t})
	}
}

// Budget returns how many sends the destination takes at now. When it is
// none, next is when the first one frees.
func (l *Limiter) Budget(now time.Time) (n int, next time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pausedUntil.After(now) {
		return 0, l.pausedUntil
	}
	l.prune(now)
	saved := l.log
	defer func() { l.log = saved }()
	l.log = slices.Clone(l.log)
	smallest := l.windows[0].Limit
	for _, w := range l.windows {
		smallest = min(smallest, w.Limit)
	}
	for n < smallest {
		t := l.earliest(now, 0)
		if t.After(now) {
			if n == 0 {
				return 0, t
			}
			break
		}
		l.log = append(l.log, booking{from: now, to: now})
		n++
	}
	return n, time.Time{}
}

// Pause stops all sends until until: the destination said it is
// throttling us, whatever our own count says.
func (l *Limiter) Pause(until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
}

// earliest returns the first time from t on at which one more send,
// reaching the destination within [t, t+slack], keeps every window within
// its limit. For each window it counts the bookings that could fall in a
// span of Per together with the new send — those meeting
// (t-Per, t+slack+Per) — and while they are too many, moves t past the end
// of the one that ends first (plus Per). Every move passes a booking, so
// this ends.
func (l *Limiter) earliest(t time.Time, slack time.Duration) time.Time {
	var ends []time.Time
	for {
		moved := false
		for _, w := range l.windows {
			lo, hi := t.Add(-w.Per), t.Add(slack+w.Per)
			ends = ends[:0]
			for _, b := range l.log {
				if b.to.After(lo) && b.from.Before(hi) {
					ends = append(ends, b.to)
				}
			}
			if len(ends) >= w.Limit {
				slices.SortFunc(ends, time.Time.Compare)
				t = ends[len(ends)-w.Limit].Add(w.Per)
				moved = true
			}
		}
		if !moved {
			return t
		}
	}
}

// prune forgets sends that no window can see from now on.
func (l *Limiter) prune(now time.Time) {
	horizon := now.Add(-l.longest)
	l.log = slices.DeleteFunc(l.log, func(b booking) bool { return !b.to.After(horizon) })
}
