package alert_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/model"
)

// limitedRobot is a receiver with a rate-limited destination that can merge
// alerts, like the chat robots: it books every send with its limiter and
// answers *alert.DeferError when the limiter says no.
type limitedRobot struct {
	limiter *alert.Limiter
	now     func() time.Time
	mu      sync.Mutex
	singles []int64   // case ids sent alone
	digests [][]int64 // case ids per digest
	answer  func() (bool, error)
}

func (r *limitedRobot) Budget(now time.Time) (int, time.Time) { return r.limiter.Budget(now) }

func (r *limitedRobot) take() error {
	now := r.now()
	res := r.limiter.Reserve(now, 1, 0)
	if res.At[0].After(now) {
		res.Cancel(0)
		return &alert.DeferError{Until: res.At[0], Err: errors.New("over the limit")}
	}
	return nil
}

func (r *limitedRobot) Notify(_ context.Context, a model.Alert) (bool, error) {
	if err := r.take(); err != nil {
		return true, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.answer != nil {
		if retry, err := r.answer(); err != nil {
			return retry, err
		}
	}
	r.singles = append(r.singles, a.CaseID)
	return false, nil
}

func (r *limitedRobot) NotifyDigest(_ context.Context, entries []alert.DigestEntry) (bool, error) {
	if err := r.take(); err != nil {
		return true, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.answer != nil {
		if retry, err := r.answer(); err != nil {
			return retry, err
		}
	}
	var ids []int64
	for _, e := range entries {
		ids = append(ids, e.Alert.CaseID)
	}
	r.digests = append(r.digests, ids)
	return false, nil
}

type limitedRobotFixture struct {
	clock  *fakeClock
	outbox *memOutbox
	robot  *limitedRobot
	disp   *alert.Dispatcher
	reg    *prometheus.Registry
}

func newLimitedRobotFixture(t *testing.T, windows ...alert.Window) *limitedRobotFixture {
	t.Helper()
	f := &limitedRobotFixture{clock: newFakeClock(), outbox: newMemOutbox(), reg: prometheus.NewPedanticRegistry()}
	l, err := alert.NewLimiter(windows...)
	if err != nil {
		t.Fatal(err)
	}
	f.robot = &limitedRobot{limiter: l, now: f.clock.Now}
	f.disp, err = alert.NewDispatcher(alert.DispatchOptions{Outbox: f.outbox, Notifiers: map[string]alert.Notifier{"robot": f.robot},
		Retry: shortRetry, Now: f.clock.Now, Registerer: f.reg, Concurrency: 1})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// add queues an alert of the given severity for case id.
func (f *limitedRobotFixture) add(t *testing.T, caseID int64, sev model.Severity) int64 {
	t.Helper()
	data, err := json.Marshal(model.Alert{CaseID: caseID, Department: "housing", Item: model.Item{Title: "测试"},
		Analysis: model.Analysis{Severity: sev}})
	if err != nil {
		t.Fatal(err)
	}
	return f.outbox.add(caseID, "robot", data, f.clock.Now())
}

func (f *limitedRobotFixture) drain(t *testing.T) int {
	t.Helper()
	n, err := f.disp.DrainOnce(context.Background())
	if err != nil {
		t.Fatalf("DrainOnce: %v", err)
	}
	return n
}

// TestBurstBecomesOneDigest: 25 alerts due at once for a limitedRobot that takes
// 20 a minute: the 19 most severe go alone, the other 6 share the last
// token in one digest, and all 25 are delivered.
func TestBurstBecomesOneDigest(t *testing.T) {
	f := newLimitedRobotFixture(t, alert.Window{Limit: 20, Per: time.Minute})
	sevs := []model.Severity{model.SeverityIV, model.SeverityI, model.SeverityIII, model.SeverityII, model.SeverityNone}
	ids := map[int64]int64{}
	for c := int64(1); c <= 25; c++ {
		ids[c] = f.add(t, c, sevs[c%5])
	}
	if n := f.drain(t); n != 25 {
		t.Fatalf("DrainOnce handled %d, want 25", n)
	}
	if len(f.robot.singles) != 19 || len(f.robot.digests) != 1 || len(f.robot.digests[0]) != 6 {
		t.Fatalf("limitedRobot got %d singles and digests %v; want 19 and one of 6", len(f.robot.singles), f.robot.digests)
	}
	for _, c := range f.robot.digests[0] {
		if s := sevs[c%5]; s != model.SeverityIV && s != model.SeverityNone {
			t.Errorf("case %d (%v) went into the digest while less severe ones went alone", c, s)
		}
	}
	first := ids[f.robot.digests[0][0]]
	for c, id := range ids {
		r := f.outbox.row(id)
		wantDigest := int64(0)
		if slices.Contains(f.robot.digests[0], c) {
			wantDigest = first
		}
		if r.State != stateDelivered || r.DigestOf != wantDigest {
			t.Errorf("case %d: %s, digest of %d; want delivered, digest of %d", c, r.State, r.DigestOf, wantDigest)
		}
	}
	if got := metricValue(t, f.reg, `yuqing_alert_digests_total{receiver="robot"}`); got != 1 {
		t.Errorf("digests_total = %v, want 1", got)
	}
	if got := metricValue(t, f.reg, `yuqing_alert_deliveries_total{receiver="robot",result="delivered"}`); got != 25 {
		t.Errorf("delivered = %v, want 25", got)
	}
}

// TestOverLimitWaitsWithoutSpendingAttempts: alerts due while the limitedRobot
// takes nothing wait for its next token (their claims' attempts given
// back, their last error kept), then go out as one digest.
func TestOverLimitWaitsWithoutSpendingAttempts(t *testing.T) {
	f := newLimitedRobotFixture(t, alert.Window{Limit: 1, Per: time.Minute})
	f.add(t, 1, model.SeverityIII)
	f.drain(t)
	var ids []int64
	for c := int64(2); c <= 6; c++ {
		ids = append(ids, f.add(t, c, model.SeverityIII))
	}
	for range 3 { // the dispatcher polls again and again meanwhile
		if n := f.drain(t); n != 0 {
			t.Fatalf("handled %d while the limitedRobot takes nothing", n)
		}
		f.clock.Advance(10 * time.Second)
	}
	for _, id := range ids {
		if r := f.outbox.row(id); r.Attempts != 0 || r.Deferrals != 1 || r.State != statePending ||
			!r.NextAttemptAt.Equal(newFakeClock().Now().Add(time.Minute)) {
			t.Fatalf("delivery %d = %+v; want pending until the next token, no attempt spent", id, r)
		}
	}
	f.clock.Advance(30 * time.Second) // a minute after the first send
	if n := f.drain(t); n != 5 {
		t.Fatalf("handled %d, want the 5 waiting", n)
	}
	if len(f.robot.digests) != 1 || !slices.Equal(f.robot.digests[0], []int64{2, 3, 4, 5, 6}) {
		t.Fatalf("digests %v, want one of cases 2-6", f.robot.digests)
	}
	if got := metricValue(t, f.reg, `yuqing_alert_deliveries_total{receiver="robot",result="deferred"}`); got != 5 {
		t.Errorf("deferred = %v, want 5", got)
	}
}

func TestDigestFailures(t *testing.T) {
	tests := []struct {
		name      string
		answer    func() (bool, error)
		wantState string
	}{
		{"retryable failure retries each", func() (bool, error) { return true, errors.New("HTTP 502") }, statePending},
		{"final failure fails each", func() (bool, error) { return false, errors.New("errcode 93000") }, stateFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newLimitedRobotFixture(t, alert.Window{Limit: 1, Per: time.Minute})
			f.robot.answer = tt.answer
			var ids []int64
			for c := int64(1); c <= 3; c++ {
				ids = append(ids, f.add(t, c, model.SeverityIV))
			}
			f.drain(t) // budget 1 → one digest of three
			for _, id := range ids {
				r := f.outbox.row(id)
				if r.State != tt.wantState || r.Attempts != 1 || r.LastError == "" {
					t.Errorf("delivery %d = %+v; want %s after one attempt with its error", id, r, tt.wantState)
				}
			}
		})
	}
}

// TestThrottledAnswerDefers: a send that the destination throttles (the
// notifier answers *alert.DeferError) waits without spending an attempt,
// and is failed once waiting would pass its give-up time.
func TestThrottledAnswerDefers(t *testing.T) {
	f := newLimitedRobotFixture(t, alert.Window{Limit: 100, Per: time.Minute})
	f.robot.answer = func() (bool, error) {
		return true, &alert.DeferError{Until: f.clock.Now().Add(10 * time.Minute), Err: errors.New("errcode 130101: send too fast")}
	}
	id := f.add(t, 1, model.SeverityII)
	f.drain(t)
	if r := f.outbox.row(id); r.State != statePending || r.Attempts != 0 || r.Deferrals != 1 {
		t.Fatalf("after throttling: %+v", r)
	}
	f.clock.Advance(shortRetry.GiveUpAfter.D() - 5*time.Minute)
	f.drain(t)
	if r := f.outbox.row(id); r.State != stateFailed {
		t.Fatalf("throttled past the give-up time: %+v, want failed", r)
	}
}

// TestGroupDueTogetherBecomesOneDigest: messages of one group (group_by,
// aligned by group_wait) due together reach a chat group as one digest,
// below any rate limit; a Ⅱ case of the same group still goes alone, and
// other groups are not mixed in.
func TestGroupDueTogetherBecomesOneDigest(t *testing.T) {
	f := newLimitedRobotFixture(t, alert.Window{Limit: 20, Per: time.Minute})
	add := func(caseID int64, group string, sev model.Severity) {
		data, err := json.Marshal(model.Alert{CaseID: caseID, Department: "housing", GroupKey: group,
			Item: model.Item{Title: "测试"}, Analysis: model.Analysis{Severity: sev}})
		if err != nil {
			t.Fatal(err)
		}
		f.outbox.add(caseID, "robot", data, f.clock.Now())
	}
	add(1, "housing|topic=real_estate", model.SeverityIV)
	add(2, "housing|topic=real_estate", model.SeverityIV)
	add(3, "housing|topic=real_estate", model.SeverityII)
	add(4, "housing|topic=education", model.SeverityIV)
	add(5, "", model.SeverityIV)
	add(6, "housing|topic=real_estate", model.SeverityIII)
	if n := f.drain(t); n != 6 {
		t.Fatalf("DrainOnce handled %d, want 6", n)
	}
	slices.Sort(f.robot.singles)
	if len(f.robot.digests) != 1 || !slices.Equal(f.robot.digests[0], []int64{1, 2, 6}) ||
		!slices.Equal(f.robot.singles, []int64{3, 4, 5}) {
		t.Fatalf("digests %v, singles %v; want one digest of cases 1, 2, 6 and cases 3, 4, 5 alone",
			f.robot.digests, f.robot.singles)
	}
}
