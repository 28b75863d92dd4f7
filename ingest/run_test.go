package ingest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// timerRequest is one wait the scheduler asked for; the test fires it.
type timerRequest struct {
	d    time.Duration
	fire chan time.Time
}

// driveTime makes the scheduler's waits visible: each s.after call blocks
// until the test has received it, so the test sees every scheduling
// decision in order and time moves only when the test fires a timer.
func driveTime(ctx context.Context, s *Scheduler) <-chan timerRequest {
	requests := make(chan timerRequest)
	s.after = func(d time.Duration) <-chan time.Time {
		req := timerRequest{d: d, fire: make(chan time.Time, 1)}
		select {
		case requests <- req:
		case <-ctx.Done():
		}
		return req.fire
	}
	return requests
}

// startRun runs the scheduler and returns a function that stops it and
// fails the test unless Run returned nil.
func startRun(t *testing.T, ctx context.Context, cancel context.CancelFunc, s *Scheduler) func() {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	return func() {
		t.Helper()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v, want nil on cancel", err)
		}
	}
}

// hangGuard only turns a broken scheduler's hang into a failure; no test
// depends on anything being fast.
const hangGuard = time.Minute

func awaitSave(t *testing.T, saved <-chan model.SourceHealth, sourceID string) model.SourceHealth {
	t.Helper()
	guard := time.After(hangGuard)
	for {
		select {
		case h := <-saved:
			if h.SourceID == sourceID {
				return h
			}
		case <-guard:
			t.Fatalf("no health saved for %s", sourceID)
		}
	}
}

func TestRunBrokenSourceDoesNotStopOthers(t *testing.T) {
	good := newFeedServer(t, "咸安区新闻二", "咸安区新闻一")
	broken := newFeedServer(t)
	broken.set(http.StatusBadGateway, "")
	sources := []model.Source{feedSource("broken", broken.URL), feedSource("good", good.URL)}
	h := newHarness(t, config.Ingest{Interval: config.Duration(time.Minute)}, sources...)
	h.state.saved = make(chan model.SourceHealth, 16)
	ctx, cancel := context.WithCancel(t.Context())
	waits := driveTime(ctx, h.sched)
	stop := startRun(t, ctx, cancel, h.sched)
	go func() { // fire nothing: both sources are due at start
		for range waits {
		}
	}()

	saves := map[string]model.SourceHealth{}
	for len(saves) < 2 {
		hl := <-h.state.saved
		saves[hl.SourceID] = hl
	}
	stop()
	if hl := saves["broken"]; hl.ConsecutiveFailures != 1 || hl.LastError == "" {
		t.Errorf("broken source health %+v", hl)
	}
	if hl := saves["good"]; !hl.Healthy() || hl.ItemsSeen != 2 || h.pub.fromSource("good") != 2 {
		t.Errorf("good source health %+v, published %d", hl, h.pub.fromSource("good"))
	}
}

func TestRunRespectsStoredNextPollAt(t *testing.T) {
	tests := []struct {
		name      string
		stored    model.SourceHealth
		wantFirst time.Duration // the wait before the stored source is polled
	}{
		{"healthy source due later", model.SourceHealth{NextPollAt: t0.Add(40 * time.Minute)}, 40 * time.Minute},
		{"failing source in backoff", model.SourceHealth{NextPollAt: t0.Add(3 * time.Hour), ConsecutiveFailures: 5}, 3 * time.Hour},
		// The interval was shortened since the last run: it applies now.
		{"stale far-future time", model.SourceHealth{NextPollAt: t0.Add(7 * 24 * time.Hour)}, time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			waiting := newFeedServer(t, "通山县新闻")
			fresh := newFeedServer(t, "赤壁市新闻")
			// The fresh source's next poll is after everything tested.
			freshSrc := feedSource("fresh", fresh.URL)
			freshSrc.Interval = 30 * 24 * time.Hour
			sources := []model.Source{feedSource("waiting", waiting.URL), freshSrc}
			h := newHarness(t, config.Ingest{Interval: config.Duration(time.Hour)}, sources...)
			stored := tt.stored
			stored.SourceID = "waiting"
			h.state.health["waiting"] = stored
			h.state.saved = make(chan model.SourceHealth, 16)
			ctx, cancel := context.WithCancel(t.Context())
			waits := driveTime(ctx, h.sched)
			stop := startRun(t, ctx, cancel, h.sched)
			defer stop()

			// The fresh source is polled at once; the scheduler then
			// waits for the stored time of the other one.
			<-waits // asked while the fresh source was being polled
			awaitSave(t, h.state.saved, "fresh")
			req := <-waits
			if req.d != tt.wantFirst {
				t.Errorf("scheduler waits %s, want %s", req.d, tt.wantFirst)
			}
			if n := waiting.requestCount(); n != 0 {
				t.Fatalf("source polled %d times before its stored NextPollAt", n)
			}
			h.clock.Advance(req.d)
			req.fire <- h.clock.Now()
			if hl := awaitSave(t, h.state.saved, "waiting"); !hl.LastAttemptAt.Equal(t0.Add(tt.wantFirst)) {
				t.Errorf("polled at %s, want %s", hl.LastAttemptAt, t0.Add(tt.wantFirst))
			}
			go func() {
				for range waits {
				}
			}()
		})
	}
}

func TestRunConcurrencyLimit(t *testing.T) {
	var mu sync.Mutex
	inFlight, maxInFlight := 0, 0
	entered := make(chan struct{}, 8)
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		inFlight++
		maxInFlight = max(maxInFlight, inFlight)
		mu.Unlock()
		entered <- struct{}{}
		<-release
		mu.Lock()
		inFlight--
		mu.Unlock()
		_, _ = w.Write([]byte(`<rss version="2.0"><channel><title>咸宁</title></channel></rss>`))
	}))
	defer srv.Close()
	var sources []model.Source
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		sources = append(sources, feedSource(id, srv.URL+"/"+id))
	}
	h := newHarness(t, config.Ingest{Concurrency: 2}, sources...)
	h.state.saved = make(chan model.SourceHealth, 16)
	ctx, cancel := context.WithCancel(t.Context())
	waits := driveTime(ctx, h.sched)
	go func() {
		for range waits {
		}
	}()
	stop := startRun(t, ctx, cancel, h.sched)

	for range sources {
		<-entered // one more fetch started; let one finish
		release <- struct{}{}
		<-h.state.saved
	}
	stop()
	if maxInFlight > 2 {
		t.Errorf("%d fetches ran at once, want at most 2", maxInFlight)
	}
}

func TestRunShutdownCancelsFetch(t *testing.T) {
	entered := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-r.Context().Done()
	}))
	defer srv.Close()
	h := newHarness(t, config.Ingest{}, feedSource("slow", srv.URL))
	ctx, cancel := context.WithCancel(t.Context())
	waits := driveTime(ctx, h.sched)
	go func() {
		for range waits {
		}
	}()
	stop := startRun(t, ctx, cancel, h.sched)
	<-entered
	stop() // returns only when the poll in flight has ended
	if hl, ok := h.state.get("slow"); ok {
		t.Errorf("an interrupted poll saved health %+v; it should be repeated after restart", hl)
	}
}
