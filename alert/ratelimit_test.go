package alert_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
)

var (
	rlPerMinute20 = alert.Window{Limit: 20, Per: time.Minute}
	rlFeishu      = []alert.Window{{Limit: 100, Per: time.Minute}, {Limit: 5, Per: time.Second}}
	rlStart       = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
)

func newTestLimiter(t *testing.T, ws ...alert.Window) *alert.Limiter {
	t.Helper()
	l, err := alert.NewLimiter(ws...)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestNewLimiterRejectsBadWindows(t *testing.T) {
	for _, ws := range [][]alert.Window{nil, {{Limit: 0, Per: time.Minute}}, {{Limit: 3, Per: 0}}, {rlPerMinute20, {Limit: -1, Per: time.Second}}} {
		if _, err := alert.NewLimiter(ws...); err == nil {
			t.Errorf("NewLimiter(%v) succeeded", ws)
		}
	}
}

// TestLimiterIsASlidingWindow: a token comes back exactly one window after
// it was used. A continuously refilling bucket of 20/min would hand out
// ten more tokens half a minute after a burst of twenty — thirty in one
// minute, which makes the robot refuse (DingTalk: for ten minutes).
func TestLimiterIsASlidingWindow(t *testing.T) {
	l := newTestLimiter(t, rlPerMinute20)
	if n, _ := l.Budget(rlStart); n != 20 {
		t.Fatalf("Budget at start = %d, want 20", n)
	}
	r := l.Reserve(rlStart, 20, 0)
	for i, at := range r.At {
		if !at.Equal(rlStart) {
			t.Fatalf("send %d booked at %v, want at once", i, at)
		}
	}
	tests := []struct {
		at       time.Duration
		wantN    int
		wantNext time.Duration
	}{
		{0, 0, time.Minute},
		{30 * time.Second, 0, time.Minute},
		{time.Minute - time.Millisecond, 0, time.Minute},
		{time.Minute, 20, 0},
	}
	for _, tt := range tests {
		n, next := l.Budget(rlStart.Add(tt.at))
		if n != tt.wantN || (tt.wantN == 0 && !next.Equal(rlStart.Add(tt.wantNext))) {
			t.Errorf("Budget(+%v) = %d, next %v; want %d, next +%v", tt.at, n, next.Sub(rlStart), tt.wantN, tt.wantNext)
		}
	}
}

func TestLimiterPacesTheShortWindow(t *testing.T) {
	l := newTestLimiter(t, rlFeishu...)
	r := l.Reserve(rlStart, 12, 0)
	var got []time.Duration
	for _, at := range r.At {
		got = append(got, at.Sub(rlStart))
	}
	want := []time.Duration{0, 0, 0, 0, 0, time.Second, time.Second, time.Second, time.Second, time.Second, 2 * time.Second, 2 * time.Second}
	if !slices.Equal(got, want) {
		t.Fatalf("12 Feishu sends booked at %v, want %v", got, want)
	}
	if n, next := l.Budget(rlStart); n != 0 || !next.Equal(rlStart.Add(2*time.Second)) {
		t.Errorf("Budget = %d, next %v; want 0 until +2s (three more fit that second)", n, next.Sub(rlStart))
	}
}

// TestLimiterSlackAndSent: a send in flight counts from its booking plus
// the slack until the sender says when it finished; a cancelled send
// gives its token back.
func TestLimiterSlackAndSent(t *testing.T) {
	l := newTestLimiter(t, alert.Window{Limit: 1, Per: time.Minute})
	r := l.Reserve(rlStart, 1, 10*time.Second)
	if _, next := l.Budget(rlStart); !next.Equal(rlStart.Add(70 * time.Second)) {
		t.Fatalf("in flight: next token at +%v, want +70s (booked + slack + window)", next.Sub(rlStart))
	}
	r.Sent(0, rlStart.Add(2*time.Second))
	if _, next := l.Budget(rlStart); !next.Equal(rlStart.Add(62 * time.Second)) {
		t.Fatalf("sent after 2s: next token at +%v, want +62s", next.Sub(rlStart))
	}
	r2 := l.Reserve(rlStart.Add(62*time.Second), 1, 0)
	r2.Cancel(0)
	if n, _ := l.Budget(rlStart.Add(62 * time.Second)); n != 1 {
		t.Fatalf("after cancel: budget %d, want 1", n)
	}
}

func TestLimiterPause(t *testing.T) {
	l := newTestLimiter(t, rlPerMinute20)
	l.Pause(rlStart.Add(10 * time.Minute))
	l.Pause(rlStart.Add(time.Minute)) // an earlier pause does not shorten it
	if n, next := l.Budget(rlStart.Add(5 * time.Minute)); n != 0 || !next.Equal(rlStart.Add(10*time.Minute)) {
		t.Errorf("Budget while paused = %d, next %v; want 0 until +10m", n, next.Sub(rlStart))
	}
	if r := l.Reserve(rlStart, 1, 0); !r.At[0].Equal(rlStart.Add(10 * time.Minute)) {
		t.Errorf("Reserve while paused booked %v, want +10m", r.At[0].Sub(rlStart))
	}
}

// TestLimiterNeverExceedsAWindow books sends at random times, each
// finishing at a random moment within its slack and reported only once the
// clock has passed it, so later bookings are made while earlier sends are
// in flight. The finish times (when the destination has counted a send at
// the latest) must respect every window.
func TestLimiterNeverExceedsAWindow(t *testing.T) {
	type inFlight struct {
		r    *alert.Reservation
		i    int
		done time.Time
	}
	for seed := range uint64(20) {
		rnd := rand.New(rand.NewPCG(seed, 42))
		windows := [][]alert.Window{{rlPerMinute20}, rlFeishu}[seed%2]
		l := newTestLimiter(t, windows...)
		const slack = 5 * time.Second
		now := rlStart
		var sent []time.Time
		var flying []inFlight
		for range 400 {
			now = now.Add(time.Duration(rnd.IntN(4000)) * time.Millisecond)
			flying = slices.DeleteFunc(flying, func(f inFlight) bool {
				if f.done.After(now) {
					return false
				}
				f.r.Sent(f.i, f.done)
				return true
			})
			r := l.Reserve(now, 1+rnd.IntN(3), slack)
			for i, at := range r.At {
				if at.Before(now) {
					t.Fatalf("seed %d: booked %v before now %v", seed, at, now)
				}
				done := at.Add(time.Duration(rnd.Int64N(int64(slack))))
				flying = append(flying, inFlight{r, i, done})
				sent = append(sent, done)
			}
		}
		checkLimiterWindows(t, seed, windows, sent)
	}
}

func checkLimiterWindows(t *testing.T, seed uint64, windows []alert.Window, sent []time.Time) {
	t.Helper()
	slices.SortFunc(sent, time.Time.Compare)
	for _, w := range windows {
		for i := range sent {
			j := i
			for j < len(sent) && sent[j].Sub(sent[i]) < w.Per {
				j++
			}
			if j-i > w.Limit {
				t.Fatalf("seed %d: %d sends within %v from +%v, limit %s", seed, j-i, w.Per, sent[i].Sub(rlStart), w)
			}
		}
	}
}

// TestSeededLimiterRemembersSendsBeforeARestart: a process that restarts
// right after a burst must not send a second burst into the same minute.
func TestSeededLimiterRemembersSendsBeforeARestart(t *testing.T) {
	burst := func(at time.Duration, n int) []time.Time {
		out := make([]time.Time, n)
		for i := range out {
			out[i] = rlStart.Add(at + time.Duration(i)*time.Second)
		}
		return out
	}
	tests := []struct {
		name     string
		windows  []alert.Window
		sent     []time.Time
		wantN    int
		wantNext time.Duration // when wantN is 0, from rlStart
	}{
		{"nothing sent", []alert.Window{rlPerMinute20}, nil, 20, 0},
		{"a full burst half a minute ago", []alert.Window{rlPerMinute20}, burst(-30*time.Second, 20), 0, 30 * time.Second},
		{"part of a burst", []alert.Window{rlPerMinute20}, burst(-20*time.Second, 12), 8, 0},
		{"a burst older than the window", []alert.Window{rlPerMinute20}, burst(-90*time.Second, 20), 20, 0},
		{"the burst straddles the window", []alert.Window{rlPerMinute20}, burst(-70*time.Second, 20), 11, 0}, // -59s … -51s count
		{"the short window of Feishu", rlFeishu, burst(0, 1)[:1:1], 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newTestLimiter(t, tt.windows...)
			l.Seed(tt.sent...)
			n, next := l.Budget(rlStart)
			if n != tt.wantN || (tt.wantN == 0 && !next.Equal(rlStart.Add(tt.wantNext))) {
				t.Errorf("Budget = %d, next %v; want %d, next +%v", n, next.Sub(rlStart), tt.wantN, tt.wantNext)
			}
		})
	}
	// Reservations queue behind the seeded sends.
	l := newTestLimiter(t, rlPerMinute20)
	l.Seed(burst(-30*time.Second, 20)...)
	r := l.Reserve(rlStart, 2, 0)
	if want := rlStart.Add(30 * time.Second); !r.At[0].Equal(want) || !r.At[1].Equal(want.Add(time.Second)) {
		t.Errorf("sends after a seeded burst booked at +%v, +%v; want +30s, +31s", r.At[0].Sub(rlStart), r.At[1].Sub(rlStart))
	}
}
