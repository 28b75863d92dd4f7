package alert_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify"
	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// flakyEndpoint is a robot or webhook that can be down. While down it
// drops the connection (robot: unreachable) or answers 503 (webhook
// behind a gateway). It counts what it accepted.
type flakyEndpoint struct {
	mu       sync.Mutex
	up       bool
	dropConn bool
	tried    int
	accepted map[string]int // key → times accepted
	key      func(r *http.Request, body []byte) string
	answer   string
}

func (e *flakyEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tried++
	if !e.up {
		if e.dropConn {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		}
		http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
		return
	}
	e.accepted[e.key(r, body)]++
	_, _ = io.WriteString(w, e.answer)
}

func (e *flakyEndpoint) setUp(up bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.up = up
}

func (e *flakyEndpoint) counts() (tried int, accepted map[string]int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int{}
	for k, v := range e.accepted {
		out[k] = v
	}
	return e.tried, out
}

// TestRestartDuringOutageLosesNothingAndSendsNothingTwice runs the outbox
// on a real SQLite file: the WeCom robot and the webhook are down, the
// process restarts (a new store and dispatcher on the same file, one claim
// abandoned by the crashed process), they come back, and every alert
// reaches each of them exactly once — the robot by case, the webhook by
// X-Yuqing-Delivery.
func TestRestartDuringOutageLosesNothingAndSendsNothingTwice(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	robot := &flakyEndpoint{dropConn: true, accepted: map[string]int{}, answer: `{"errcode":0,"errmsg":"ok"}`,
		key: func(_ *http.Request, body []byte) string {
			var m struct{ Markdown struct{ Content string } }
			_ = json.Unmarshal(body, &m)
			return m.Markdown.Content[len(m.Markdown.Content)-2:] // "舆情案件编号 N": the case
		}}
	hook := &flakyEndpoint{accepted: map[string]int{}, answer: `{"ok":true}`,
		key: func(r *http.Request, _ []byte) string { return r.Header.Get(webhook.HeaderDelivery) }}
	robotSrv, hookSrv := httptest.NewServer(robot), httptest.NewServer(hook)
	defer robotSrv.Close()
	defer hookSrv.Close()
	receivers := []config.Receiver{
		{Name: "robot", WeCom: &config.WeComSpec{BaseURL: robotSrv.URL, Key: "k"}},
		{Name: "hook", Webhook: &config.WebhookSpec{URL: config.Secret(hookSrv.URL), Secret: "s3cret"}},
	}
	dsn := filepath.Join(t.TempDir(), "yuqing.db")

	// Process 1: cases opened, receivers down.
	st := openDurableStore(t, dsn, clock)
	for i := 1; i <= 5; i++ {
		item := model.TaggedItem{Item: model.Item{ID: "xnnews/" + string(rune('0'+i)), SourceID: "xnnews", Title: "舆情测试"},
			Analysis: model.Analysis{Topics: []model.TopicMatch{{ID: "real_estate", Name: "房地产市场"}}}}
		if _, err := st.OpenCases(ctx, item, []model.CaseOpening{{Department: "housing", DepartmentName: "市住房和城乡建设局",
			Receivers: []string{"robot", "hook"}}}, clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	d1 := newDurableDispatcher(t, st, receivers, clock)
	drainDurable(t, d1)
	clock.Advance(time.Minute)
	drainDurable(t, d1)
	// The crash: process 1 claims what is due and dies before sending.
	clock.Advance(10 * time.Minute)
	if claimed, err := st.ClaimDeliveries(ctx, clock.Now(), alert.DefaultLease, 2); err != nil || len(claimed) != 2 {
		t.Fatalf("claim before the crash: %d, %v", len(claimed), err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if rt, _ := robot.counts(); rt == 0 {
		t.Fatal("the robot was never tried during the outage")
	}
	if ht, _ := hook.counts(); ht == 0 {
		t.Fatal("the webhook was never tried during the outage")
	}
	if stats := durableOutboxStats(t, dsn, clock); stats.Pending != 10 || stats.Delivered != 0 {
		t.Fatalf("after the outage: %+v, want all 10 pending", stats)
	}

	// Process 2: a new store and dispatcher on the same file.
	st2 := openDurableStore(t, dsn, clock)
	d2 := newDurableDispatcher(t, st2, receivers, clock)
	drainDurable(t, d2) // still down
	robot.setUp(true)
	hook.setUp(true)
	for range 8 { // retries and the abandoned claims come due
		clock.Advance(5 * time.Minute)
		drainDurable(t, d2)
	}
	_, robotGot := robot.counts()
	_, hookGot := hook.counts()
	if len(robotGot) != 5 || len(hookGot) != 5 {
		t.Fatalf("robot got %v, webhook got %v; want all 5 cases each", robotGot, hookGot)
	}
	for k, n := range robotGot {
		if n != 1 {
			t.Errorf("robot got case %s %d times", k, n)
		}
	}
	for k, n := range hookGot {
		if n != 1 {
			t.Errorf("webhook got delivery %s %d times", k, n)
		}
	}
	if err := st2.Close(); err != nil {
		t.Fatal(err)
	}

	// Process 3: nothing is left to send.
	st3 := openDurableStore(t, dsn, clock)
	triedRobot, _ := robot.counts()
	clock.Advance(time.Hour)
	drainDurable(t, newDurableDispatcher(t, st3, receivers, clock))
	if again, _ := robot.counts(); again != triedRobot {
		t.Errorf("a restart after delivery sent %d more requests to the robot", again-triedRobot)
	}
	if stats := durableOutboxStats(t, dsn, clock); stats.Delivered != 10 || stats.Pending != 0 || stats.Failed != 0 {
		t.Errorf("outbox = %+v, want all 10 delivered", stats)
	}
}

func openDurableStore(t *testing.T, dsn string, clock *fakeClock) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{DSN: dsn, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newDurableDispatcher(t *testing.T, st *store.Store, rs []config.Receiver, clock *fakeClock) *alert.Dispatcher {
	t.Helper()
	ns, err := notify.Build(rs, notify.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	d, err := alert.NewDispatcher(alert.DispatchOptions{Outbox: st, Notifiers: ns, Now: clock.Now,
		Retry: config.Retry{Initial: config.Duration(time.Minute), Max: config.Duration(5 * time.Minute)}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func drainDurable(t *testing.T, d *alert.Dispatcher) {
	t.Helper()
	if _, err := d.DrainOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func durableOutboxStats(t *testing.T, dsn string, clock *fakeClock) store.OutboxStats {
	t.Helper()
	st := openDurableStore(t, dsn, clock)
	defer st.Close()
	s, err := st.OutboxStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s
}
