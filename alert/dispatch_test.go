package alert_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/logger"
	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

var sinkSecret = []byte("s3cret-咸宁")

// reply is what the sink answers to one request.
type reply struct {
	status     int
	retryAfter string
	body       string
}

// received is one request as the sink saw it.
type received struct {
	deliveryID string
	payload    webhook.Payload
	verifyErr  error
	status     int
}

// sink is a real HTTP receiver that checks signatures as a third party
// would, with webhook.Verify.
type sink struct {
	srv     *httptest.Server
	clock   *fakeClock
	mu      sync.Mutex
	replies func(n int) reply // answer to the n-th request (0-based)
	got     []received
	// hold, when set, is called inside the handler before it answers.
	hold func()
}

func newSink(t *testing.T, clock *fakeClock, replies func(n int) reply) *sink {
	s := &sink{clock: clock, replies: replies}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *sink) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := received{deliveryID: r.Header.Get(webhook.HeaderDelivery),
		verifyErr: webhook.Verify(sinkSecret, r.Header, body, s.clock.Now(), time.Minute)}
	_ = json.Unmarshal(body, &rec.payload)
	if s.hold != nil {
		s.hold()
	}
	s.mu.Lock()
	rep := s.replies(len(s.got))
	rec.status = rep.status
	s.got = append(s.got, rec)
	s.mu.Unlock()
	if rep.retryAfter != "" {
		w.Header().Set("Retry-After", rep.retryAfter)
	}
	w.WriteHeader(rep.status)
	_, _ = io.WriteString(w, rep.body)
}

func (s *sink) requests() []received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]received(nil), s.got...)
}

func always(r reply) func(int) reply { return func(int) reply { return r } }

var ok200 = reply{status: http.StatusOK, body: `{"ok":true}`}

type dispatchFixture struct {
	clock  *fakeClock
	outbox *memOutbox
	sink   *sink
	disp   *alert.Dispatcher
	reg    *prometheus.Registry
	logs   *logRecords
}

func newDispatchFixture(t *testing.T, retry config.Retry, replies func(int) reply, edit ...func(*alert.DispatchOptions)) *dispatchFixture {
	t.Helper()
	f := &dispatchFixture{clock: newFakeClock(), outbox: newMemOutbox(), reg: prometheus.NewPedanticRegistry(), logs: &logRecords{}}
	f.sink = newSink(t, f.clock, replies)
	hook, err := webhook.New("hook", config.WebhookSpec{URL: config.Secret(f.sink.srv.URL), Secret: config.Secret(sinkSecret)},
		webhook.Options{Now: f.clock.Now, UserAgent: "yuqing/test"})
	if err != nil {
		t.Fatal(err)
	}
	o := alert.DispatchOptions{Outbox: f.outbox, Notifiers: map[string]alert.Notifier{"hook": hook},
		Retry: retry, Now: f.clock.Now, Logger: f.logs.logger(), Registerer: f.reg}
	for _, e := range edit {
		e(&o)
	}
	if f.disp, err = alert.NewDispatcher(o); err != nil {
		t.Fatal(err)
	}
	return f
}

func alertPayload(t *testing.T, caseID int64) []byte {
	t.Helper()
	a := model.Alert{CaseID: caseID, Department: "housing", DepartmentName: "市住房和城乡建设局",
		Item:     model.Item{ID: "hubei_daily/42", SourceID: "hubei_daily", Title: "某小区交房延期引发业主聚集"},
		Analysis: model.Analysis{Topics: []model.TopicMatch{{ID: "real_estate", Name: "房地产市场", Score: 2, Terms: []string{"交房", "业主"}}}},
		OpenedAt: time.Date(2026, 3, 2, 0, 59, 0, 0, time.UTC)}
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (f *dispatchFixture) drain(t *testing.T) int {
	t.Helper()
	n, err := f.disp.DrainOnce(context.Background())
	if err != nil {
		t.Fatalf("DrainOnce: %v", err)
	}
	return n
}

func (f *dispatchFixture) metric(t *testing.T, result string) float64 {
	return metricValue(t, f.reg, `yuqing_alert_deliveries_total{receiver="hook",result="`+result+`"}`)
}

var shortRetry = config.Retry{Initial: config.Duration(10 * time.Second), Max: config.Duration(time.Minute), GiveUpAfter: config.Duration(time.Hour)}

func TestDispatchDeliversSignedAlert(t *testing.T) {
	f := newDispatchFixture(t, shortRetry, always(ok200))
	id := f.outbox.add(7, "hook", alertPayload(t, 7), f.clock.Now())
	if n := f.drain(t); n != 1 {
		t.Fatalf("DrainOnce = %d, want 1", n)
	}
	got := f.sink.requests()
	if len(got) != 1 {
		t.Fatalf("sink got %d requests, want 1", len(got))
	}
	r := got[0]
	if r.verifyErr != nil {
		t.Errorf("signature does not verify: %v", r.verifyErr)
	}
	if r.deliveryID != strconv.FormatInt(id, 10) {
		t.Errorf("%s = %q, want %d", webhook.HeaderDelivery, r.deliveryID, id)
	}
	p := r.payload
	if p.Version != "1" || p.Kind != "yuqing.alert" || p.Alert.CaseID != 7 || p.Alert.Item.Title != "某小区交房延期引发业主聚集" || !p.SentAt.Equal(f.clock.Now()) {
		t.Errorf("payload = %+v", p)
	}
	if row := f.outbox.row(id); row.State != stateDelivered || !row.FinishedAt.Equal(f.clock.Now()) {
		t.Errorf("outbox row = %+v, want delivered now", row)
	}
	if n := f.drain(t); n != 0 || len(f.sink.requests()) != 1 {
		t.Errorf("a delivered alert was sent again")
	}
	if got := f.metric(t, "delivered"); got != 1 {
		t.Errorf("delivered metric = %v, want 1", got)
	}
	if got := metricValue(t, f.reg, `yuqing_alert_delivery_duration_seconds_count{receiver="hook"}`); got != 1 {
		t.Errorf("duration count = %v, want 1", got)
	}
}

func TestDispatchRetriesUntilReceiverIsBack(t *testing.T) {
	const outage = 3
	f := newDispatchFixture(t, shortRetry, func(n int) reply {
		if n < outage {
			return reply{status: http.StatusServiceUnavailable, body: "维护中"}
		}
		return ok200
	})
	id := f.outbox.add(1, "hook", alertPayload(t, 1), f.clock.Now())
	for attempt := 1; attempt <= outage; attempt++ {
		if n := f.drain(t); n != 1 {
			t.Fatalf("attempt %d: DrainOnce = %d, want 1", attempt, n)
		}
		row := f.outbox.row(id)
		nominal := min(10*time.Second<<(attempt-1), time.Minute)
		wait := row.NextAttemptAt.Sub(f.clock.Now())
		if row.State != statePending || wait < nominal/2 || wait > nominal || !strings.Contains(row.LastError, "503") {
			t.Fatalf("attempt %d: row = %+v (wait %s), want pending with a wait in [%s, %s]", attempt, row, wait, nominal/2, nominal)
		}
		if n := f.drain(t); n != 0 {
			t.Fatalf("attempt %d: a delivery was sent again before its backoff ended", attempt)
		}
		f.clock.Advance(wait)
	}
	if n := f.drain(t); n != 1 {
		t.Fatalf("after the outage: DrainOnce = %d, want 1", n)
	}
	f.clock.Advance(24 * time.Hour)
	f.drain(t)
	got := f.sink.requests()
	delivered := 0
	for _, r := range got {
		if r.deliveryID != strconv.FormatInt(id, 10) || r.verifyErr != nil {
			t.Errorf("request %+v: wrong delivery id or signature", r)
		}
		if r.status == http.StatusOK {
			delivered++
		}
	}
	if len(got) != outage+1 || delivered != 1 {
		t.Fatalf("sink got %d requests with %d successes, want %d and exactly 1", len(got), delivered, outage+1)
	}
	if row := f.outbox.row(id); row.State != stateDelivered || row.Attempts != outage+1 {
		t.Errorf("row = %+v, want delivered after %d attempts", row, outage+1)
	}
	if f.metric(t, "retry") != outage || f.metric(t, "delivered") != 1 {
		t.Errorf("metrics retry=%v delivered=%v", f.metric(t, "retry"), f.metric(t, "delivered"))
	}
	logged := f.logs.withMessage(t, "alert delivery failed, will retry")
	if len(logged) != outage {
		t.Fatalf("logged %d retries, want %d", len(logged), outage)
	}
	for _, key := range []string{"receiver", "delivery_id", "case_id", "attempt", "error"} {
		if _, ok := logged[0][key]; !ok {
			t.Errorf("failure log lacks %s: %v", key, logged[0])
		}
	}
	if logged[2]["attempt"] != float64(3) {
		t.Errorf("third failure logged attempt %v, want 3", logged[2]["attempt"])
	}
}

func TestDispatchRefusalFailsAtOnce(t *testing.T) {
	f := newDispatchFixture(t, shortRetry, always(reply{status: http.StatusBadRequest, body: `{"error":"缺少字段 department"}`}))
	id := f.outbox.add(1, "hook", alertPayload(t, 1), f.clock.Now())
	f.drain(t)
	row := f.outbox.row(id)
	if row.State != stateFailed || !strings.Contains(row.LastError, "400 Bad Request") || !strings.Contains(row.LastError, "缺少字段 department") {
		t.Fatalf("row = %+v, want failed with the status and the body", row)
	}
	f.clock.Advance(24 * time.Hour)
	if n := f.drain(t); n != 0 || len(f.sink.requests()) != 1 {
		t.Errorf("a refused alert was sent again")
	}
	if f.metric(t, "failed") != 1 || len(f.logs.withMessage(t, "alert delivery failed for good")) != 1 {
		t.Error("the failure was not counted or logged")
	}
}

func TestDispatchGivesUpAfterDeadline(t *testing.T) {
	retry := config.Retry{Initial: config.Duration(10 * time.Second), Max: config.Duration(20 * time.Minute), GiveUpAfter: config.Duration(time.Hour)}
	f := newDispatchFixture(t, retry, always(reply{status: http.StatusBadGateway}))
	created := f.clock.Now()
	deadline := created.Add(time.Hour)
	id := f.outbox.add(1, "hook", alertPayload(t, 1), created)
	var lastAttempt time.Time
	for range 100 {
		lastAttempt = f.clock.Now()
		if n := f.drain(t); n != 1 {
			t.Fatalf("at %s: DrainOnce = %d, want 1", lastAttempt.Sub(created), n)
		}
		row := f.outbox.row(id)
		if row.State == stateFailed {
			break
		}
		if !lastAttempt.Before(deadline) || row.NextAttemptAt.After(deadline) {
			t.Fatalf("at %s: row = %+v, want a retry no later than the give-up time", lastAttempt.Sub(created), row)
		}
		f.clock.Advance(row.NextAttemptAt.Sub(f.clock.Now()))
	}
	row := f.outbox.row(id)
	if row.State != stateFailed || !lastAttempt.Equal(deadline) || !strings.Contains(row.LastError, "gave up") {
		t.Fatalf("row = %+v, last attempt at +%s; want failed by a last attempt at +1h", row, lastAttempt.Sub(created))
	}
	if row.Attempts > 12 {
		t.Errorf("%d attempts in one hour: backoff did not grow", row.Attempts)
	}
}

func TestDispatchHonoursRetryAfter(t *testing.T) {
	f := newDispatchFixture(t, shortRetry, func(n int) reply {
		switch n {
		case 0:
			return reply{status: http.StatusTooManyRequests, retryAfter: "120", body: "rate limited"}
		case 1:
			return reply{status: http.StatusServiceUnavailable, retryAfter: "7200"}
		}
		return ok200
	})
	first := f.outbox.add(1, "hook", alertPayload(t, 1), f.clock.Now())
	f.drain(t)
	if row := f.outbox.row(first); !row.NextAttemptAt.Equal(f.clock.Now().Add(120 * time.Second)) {
		t.Fatalf("next attempt at %s, want exactly Retry-After (120s) from now", row.NextAttemptAt.Sub(f.clock.Now()))
	}
	// A second delivery is told to wait two hours: past its one-hour
	// give-up time, so it fails now rather than later.
	second := f.outbox.add(2, "hook", alertPayload(t, 2), f.clock.Now())
	f.drain(t)
	if row := f.outbox.row(second); row.State != stateFailed || !strings.Contains(row.LastError, "asked to wait 2h0m0s") {
		t.Fatalf("row = %+v, want failed: asked to wait past the give-up time", row)
	}
	f.clock.Advance(119 * time.Second)
	if n := f.drain(t); n != 0 {
		t.Fatal("retried before Retry-After ended")
	}
	f.clock.Advance(time.Second)
	if f.drain(t); f.outbox.row(first).State != stateDelivered {
		t.Fatalf("row = %+v, want delivered after Retry-After", f.outbox.row(first))
	}
}

func TestDispatchLeaseHidesClaimedDeliveries(t *testing.T) {
	f := newDispatchFixture(t, shortRetry, always(ok200), func(o *alert.DispatchOptions) { o.Lease = time.Minute })
	id := f.outbox.add(1, "hook", alertPayload(t, 1), f.clock.Now())
	// Another sender claimed it and crashed before marking it.
	if claimed, _ := f.outbox.ClaimDeliveries(context.Background(), f.clock.Now(), time.Minute, 10); len(claimed) != 1 {
		t.Fatal("setup: claim failed")
	}
	if n := f.drain(t); n != 0 {
		t.Fatal("a delivery under another sender's lease was sent")
	}
	f.clock.Advance(time.Minute)
	if n := f.drain(t); n != 1 || f.outbox.row(id).State != stateDelivered {
		t.Fatalf("after the lease: DrainOnce = %d, row = %+v", n, f.outbox.row(id))
	}
}

func TestDispatchDrainsEveryBatch(t *testing.T) {
	f := newDispatchFixture(t, shortRetry, always(ok200), func(o *alert.DispatchOptions) { o.Batch = 2 })
	for i := range 5 {
		f.outbox.add(int64(i), "hook", alertPayload(t, int64(i)), f.clock.Now())
	}
	if n := f.drain(t); n != 5 || len(f.sink.requests()) != 5 {
		t.Fatalf("DrainOnce = %d with %d requests, want 5 and 5", n, len(f.sink.requests()))
	}
	if claims := f.outbox.claimCount(); claims != 3 {
		t.Errorf("claims = %d, want 3 (2 + 2 + 1)", claims)
	}
}

func TestNewDispatcherChecksOptions(t *testing.T) {
	notifiers := map[string]alert.Notifier{"log": logger.New("log", nil)}
	tests := []struct {
		name    string
		o       alert.DispatchOptions
		wantErr string
	}{
		{"no outbox", alert.DispatchOptions{Notifiers: notifiers}, "no outbox"},
		{"no notifiers", alert.DispatchOptions{Outbox: newMemOutbox()}, "no notifiers"},
		{"negative retry", alert.DispatchOptions{Outbox: newMemOutbox(), Notifiers: notifiers, Retry: config.Retry{Initial: -1}}, "must not be negative"},
		{"initial over max", alert.DispatchOptions{Outbox: newMemOutbox(), Notifiers: notifiers,
			Retry: config.Retry{Initial: config.Duration(time.Hour), Max: config.Duration(time.Minute)}}, "longer than retry max"},
	}
	for _, tt := range tests {
		if _, err := alert.NewDispatcher(tt.o); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: NewDispatcher error = %v, want %q", tt.name, err, tt.wantErr)
		}
	}
	if _, err := alert.NewDispatcher(alert.DispatchOptions{Outbox: newMemOutbox(), Notifiers: notifiers}); err != nil {
		t.Errorf("NewDispatcher with defaults: %v", err)
	}
}
