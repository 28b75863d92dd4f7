package report

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/config"
)

// fakeClock is a clock the test moves by hand. Every After call is
// announced on waits, which tells the test the scheduler went to sleep.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []fakeTimer
	waits  chan time.Duration
}

type fakeTimer struct {
	at time.Time
	ch chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, waits: make(chan time.Duration, 16)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	ch := make(chan time.Time, 1)
	c.timers = append(c.timers, fakeTimer{c.now.Add(d), ch})
	c.mu.Unlock()
	c.waits <- d
	return ch
}

// Set moves the clock to t and fires the timers due by then.
func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(t) {
			kept = append(kept, tm)
			continue
		}
		tm.ch <- t
	}
	c.timers = kept
}

// nextWait waits for the scheduler to sleep and returns for how long.
func (c *fakeClock) nextWait(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-c.waits:
		return d
	case <-time.After(10 * time.Second):
		t.Fatal("the scheduler never went to sleep")
		return 0
	}
}

// memRuns keeps runs in memory with the store's claim rules (checked
// against the real store by its conformance suite).
type memRuns struct {
	mu   sync.Mutex
	runs map[string]string // period/scope → state
}

func newMemRuns() *memRuns { return &memRuns{runs: map[string]string{}} }

func (m *memRuns) ClaimReportRun(_ context.Context, period, scope string, _ time.Time, _ time.Duration) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := period + "/" + scope
	if st, ok := m.runs[key]; ok && st != "failed" {
		return false, nil
	}
	m.runs[key] = "running"
	return true, nil
}

func (m *memRuns) SkipReportRun(_ context.Context, period, scope string, _ time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.runs[period+"/"+scope]; !ok {
		m.runs[period+"/"+scope] = "skipped"
	}
	return nil
}

func (m *memRuns) FinishReportRun(_ context.Context, period, scope string, _ time.Time, failed bool, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.runs[period+"/"+scope] = map[bool]string{true: "failed", false: "done"}[failed]
	return nil
}

func (m *memRuns) HasReportRuns(context.Context) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.runs) > 0, nil
}

// publishLog records the reports published and fails as told.
type publishLog struct {
	mu   sync.Mutex
	done []string
	fail map[string][]error // week/scope → results of successive attempts
}

func (p *publishLog) publish(_ context.Context, w Week, scope string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	key := w.String() + "/" + scope
	p.done = append(p.done, key)
	if errs := p.fail[key]; len(errs) > 0 {
		p.fail[key] = errs[1:]
		return errs[0]
	}
	return nil
}

func (p *publishLog) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.done
	p.done = nil
	return out
}

// runScheduler starts a scheduler; stop cancels it and waits.
func runScheduler(t *testing.T, clk *fakeClock, runs RunStore, log *publishLog) (stop func()) {
	t.Helper()
	s, err := NewScheduler(SchedulerOptions{
		Schedule: config.WeeklySchedule{Weekday: time.Monday, Hour: 8}, Location: Shanghai(),
		Scopes: []string{"", "housing"}, Runs: runs, Publish: log.publish, Now: clk.Now, After: clk.After,
		RetryDelay: 30 * time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return func() {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("Run() = %v, want context.Canceled", err)
		}
	}
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Shanghai())
	if err != nil {
		panic(err)
	}
	return t
}

func TestSchedulerFiresOnceAndCatchesUpOnce(t *testing.T) {
	runs, log := newMemRuns(), &publishLog{}
	// A new installation on Wednesday of week 49: week 48's report was due
	// on Monday, before yuqing ran; it is not made.
	clk := newFakeClock(at("2026-12-02 10:00"))
	stop := runScheduler(t, clk, runs, log)
	if d := clk.nextWait(t); d != at("2026-12-07 08:00").Sub(at("2026-12-02 10:00")) {
		t.Errorf("first sleep %s, want until Monday 08:00", d)
	}
	if got := log.take(); len(got) != 0 {
		t.Errorf("a new installation made %v at start", got)
	}
	// Monday 08:00: week 49's reports, city-wide and the department's.
	clk.Set(at("2026-12-07 08:00"))
	if d := clk.nextWait(t); d != 7*24*time.Hour {
		t.Errorf("sleep after a run %s, want a week", d)
	}
	if got, want := log.take(), []string{"2026-W49/", "2026-W49/housing"}; !slices.Equal(got, want) {
		t.Errorf("Monday made %v, want %v", got, want)
	}
	stop()

	// Down from Sunday to Wednesday of week 51: the Monday run (week 50)
	// was missed and is caught up at start, once.
	clk.Set(at("2026-12-16 09:30"))
	stop = runScheduler(t, clk, runs, log)
	clk.nextWait(t)
	if got, want := log.take(), []string{"2026-W50/", "2026-W50/housing"}; !slices.Equal(got, want) {
		t.Errorf("catch-up made %v, want %v", got, want)
	}
	stop()
	// Restarted again the same week: nothing is made twice.
	clk.Set(at("2026-12-16 11:00"))
	stop = runScheduler(t, clk, runs, log)
	clk.nextWait(t)
	if got := log.take(); len(got) != 0 {
		t.Errorf("a second restart made %v again", got)
	}
	stop()
}

func TestSchedulerRetriesFailedBuilds(t *testing.T) {
	runs, log := newMemRuns(), &publishLog{fail: map[string][]error{
		"2026-W48/housing": {errors.New("database is locked")},
		"2026-W48/":        {&DeliveryError{Failed: map[string]error{"wecom": errors.New("503")}}},
	}}
	_ = runs.SkipReportRun(context.Background(), "2026-W47", "", time.Time{}) // not a new installation
	clk := newFakeClock(at("2026-11-30 08:00"))
	stop := runScheduler(t, clk, runs, log)
	defer stop()
	// The failed build is retried after RetryDelay; the report that was
	// built but not delivered everywhere is not (nobody gets it twice).
	if d := clk.nextWait(t); d != 30*time.Minute {
		t.Errorf("sleep after a failure %s, want the retry delay", d)
	}
	clk.Set(at("2026-11-30 08:30"))
	if d := clk.nextWait(t); d != at("2026-12-07 08:00").Sub(at("2026-11-30 08:30")) {
		t.Errorf("sleep after the retry %s, want until next Monday", d)
	}
	want := []string{"2026-W48/", "2026-W48/housing", "2026-W48/housing"}
	if got := log.take(); !slices.Equal(got, want) {
		t.Errorf("made %v, want %v", got, want)
	}
}

func TestSchedulerDue(t *testing.T) {
	s, err := NewScheduler(SchedulerOptions{Schedule: config.WeeklySchedule{Weekday: time.Friday, Hour: 17, Minute: 30},
		Runs: newMemRuns(), Publish: (&publishLog{}).publish})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		now, wantDue, wantWeek, wantNext string
	}{
		{"2026-11-27 17:30", "2026-11-27 17:30", "2026-W47", "2026-12-04 17:30"},
		{"2026-11-27 17:29", "2026-11-20 17:30", "2026-W46", "2026-11-27 17:30"},
		{"2026-11-30 00:00", "2026-11-27 17:30", "2026-W47", "2026-12-04 17:30"},
		{"2027-01-01 18:00", "2027-01-01 17:30", "2026-W52", "2027-01-08 17:30"},
	}
	for _, tc := range tests {
		due, week := s.LastDue(at(tc.now))
		if !due.Equal(at(tc.wantDue)) || week.String() != tc.wantWeek || !s.NextDue(at(tc.now)).Equal(at(tc.wantNext)) {
			t.Errorf("at %s: due %s for %s, next %s; want %s for %s, next %s", tc.now, due, week, s.NextDue(at(tc.now)),
				tc.wantDue, tc.wantWeek, tc.wantNext)
		}
	}
	if got := s.String(); got != "Fri 17:30 Asia/Shanghai" {
		t.Errorf("String() = %q", got)
	}
}
