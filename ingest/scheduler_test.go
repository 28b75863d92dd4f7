package ingest

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

var t0 = time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)

type harness struct {
	sched *Scheduler
	clock *fixedClock
	state *memState
	pub   *memPublisher
	reg   *prometheus.Registry
}

func newHarness(t *testing.T, cfg config.Ingest, sources ...model.Source) *harness {
	t.Helper()
	h := &harness{clock: newClock(t0), state: newMemState(), reg: prometheus.NewRegistry()}
	h.pub = &memPublisher{state: h.state}
	s, err := NewScheduler(Options{
		Config: cfg, Sources: sources, Publisher: h.pub, State: h.state,
		Registerer: h.reg, Now: h.clock.Now, Rand: func() float64 { return 0.5 },
	})
	if err != nil {
		t.Fatal(err)
	}
	h.sched = s
	return h
}

func feedSource(id, url string) model.Source {
	return model.Source{ID: id, Name: id, Kind: model.SourceFeed, URL: url}
}

func (h *harness) poll(t *testing.T, src model.Source) (PollResult, error) {
	t.Helper()
	res, err := h.sched.PollOnce(t.Context(), src)
	saved, ok := h.state.get(src.ID)
	if !ok || saved != res.Health {
		t.Fatalf("returned health %+v differs from saved %+v", res.Health, saved)
	}
	return res, err
}

func TestPollPublishesOnlyNewItems(t *testing.T) {
	fs := newFeedServer(t, "通城县新闻三", "通城县新闻二", "通城县新闻一")
	src := feedSource("tc", fs.URL)
	h := newHarness(t, config.Ingest{Interval: config.Duration(10 * time.Minute)}, src)

	res, err := h.poll(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if res.Parsed != 3 || res.Published != 3 || res.NotModified {
		t.Fatalf("first poll: %+v", res)
	}
	if got, want := h.pub.titles(), []string{"通城县新闻一", "通城县新闻二", "通城县新闻三"}; !slices.Equal(got, want) {
		t.Errorf("published %v, want oldest first %v", got, want)
	}
	hl := res.Health
	if hl.ConsecutiveFailures != 0 || hl.ItemsSeen != 3 || hl.ETag == "" || !hl.LastSuccessAt.Equal(t0) ||
		!hl.LastAttemptAt.Equal(t0) || !hl.NextPollAt.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("health after first poll: %+v", hl)
	}

	h.clock.Set(hl.NextPollAt)
	res, err = h.poll(t, src)
	if err != nil || !res.NotModified || res.Published != 0 {
		t.Fatalf("unchanged feed: %+v, %v", res, err)
	}
	if fs.lastRequest().Get("If-None-Match") != hl.ETag {
		t.Errorf("re-poll did not send the stored ETag")
	}

	fs.set(0, "", "通城县新闻四", "通城县新闻三", "通城县新闻二", "通城县新闻一")
	h.clock.Advance(10 * time.Minute)
	res, err = h.poll(t, src)
	if err != nil || res.Parsed != 4 || res.Published != 1 || res.Health.ItemsSeen != 4 {
		t.Fatalf("feed with one new item: %+v, %v", res, err)
	}
	if got := h.pub.titles(); got[len(got)-1] != "通城县新闻四" || len(got) != 4 {
		t.Errorf("published %v", got)
	}
}

func TestPollBacksOffAndKeepsRetrying(t *testing.T) {
	fs := newFeedServer(t, "崇阳县新闻")
	fs.set(http.StatusInternalServerError, "")
	src := feedSource("cy", fs.URL)
	cfg := config.Ingest{Interval: config.Duration(5 * time.Minute), MaxBackoff: config.Duration(time.Hour)}
	h := newHarness(t, cfg, src)

	wantWaits := []time.Duration{5, 10, 20, 40, 60, 60, 60, 60, 60, 60}
	for i, minutes := range wantWaits {
		now := h.clock.Now()
		res, err := h.poll(t, src)
		if err == nil || !strings.Contains(err.Error(), "HTTP 500 Internal Server Error") {
			t.Fatalf("poll %d: error %v", i+1, err)
		}
		hl := res.Health
		if got, want := hl.NextPollAt.Sub(now), minutes*time.Minute; got != want {
			t.Errorf("after failure %d: next poll in %s, want %s", i+1, got, want)
		}
		if hl.ConsecutiveFailures != i+1 || hl.LastError != err.Error() || !hl.LastErrorAt.Equal(now) {
			t.Errorf("after failure %d: health %+v", i+1, hl)
		}
		if got := metricValue(t, h.reg, "yuqing_ingest_source_consecutive_failures", "cy", ""); got != float64(i+1) {
			t.Errorf("failures gauge %v, want %d", got, i+1)
		}
		h.clock.Set(hl.NextPollAt)
	}
	if fs.requestCount() != len(wantWaits) {
		t.Errorf("server saw %d requests, want %d: the source must keep being retried", fs.requestCount(), len(wantWaits))
	}

	fs.set(0, "")
	res, err := h.poll(t, src)
	if err != nil || res.Published != 1 {
		t.Fatalf("recovered source: %+v, %v", res, err)
	}
	if hl := res.Health; hl.ConsecutiveFailures != 0 || !hl.Healthy() || !hl.NextPollAt.Equal(h.clock.Now().Add(5*time.Minute)) {
		t.Errorf("health after recovery: %+v", hl)
	}
	if got := metricValue(t, h.reg, "yuqing_ingest_fetches_total", "cy", "error"); got != float64(len(wantWaits)) {
		t.Errorf("error fetches counted %v", got)
	}
	if got := metricValue(t, h.reg, "yuqing_ingest_items_published_total", "cy", ""); got != 1 {
		t.Errorf("published items counted %v", got)
	}
}

func TestPollRetryAfter(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		retryAfter string
		want       time.Duration
	}{
		{"longer than backoff", http.StatusTooManyRequests, "7200", 2 * time.Hour},
		{"shorter than backoff", http.StatusServiceUnavailable, "10", 5 * time.Minute},
		{"absurd", http.StatusServiceUnavailable, "31536000", maxRetryAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFeedServer(t, "赤壁市新闻")
			fs.set(tt.status, tt.retryAfter)
			src := feedSource("cb", fs.URL)
			h := newHarness(t, config.Ingest{Interval: config.Duration(5 * time.Minute)}, src)
			res, _ := h.poll(t, src)
			if got := res.Health.NextPollAt.Sub(t0); got != tt.want {
				t.Errorf("next poll in %s, want %s", got, tt.want)
			}
		})
	}
}

func TestPollPublishFailureKeepsValidators(t *testing.T) {
	fs := newFeedServer(t, "嘉鱼县新闻三", "嘉鱼县新闻二", "嘉鱼县新闻一")
	src := feedSource("jy", fs.URL)
	h := newHarness(t, config.Ingest{}, src)
	h.pub.failAt = 2

	res, err := h.poll(t, src)
	if !errors.Is(err, errBusDown) {
		t.Fatalf("error %v, want the publisher's", err)
	}
	hl := res.Health
	if hl.ETag != "" || hl.LastModified != "" {
		t.Errorf("validators saved after a partial publish: %+v", hl)
	}
	if hl.ConsecutiveFailures != 1 || hl.ItemsSeen != 1 || res.Published != 1 {
		t.Errorf("partial publish: result %+v", res)
	}

	h.clock.Set(hl.NextPollAt)
	res, err = h.poll(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if fs.lastRequest().Get("If-None-Match") != "" {
		t.Error("the poll after a partial publish was conditional; the server could hide the rest")
	}
	if res.Published != 2 || res.Health.ETag == "" || res.Health.ItemsSeen != 3 {
		t.Errorf("second poll: %+v", res)
	}
	if got, want := h.pub.titles(), []string{"嘉鱼县新闻一", "嘉鱼县新闻二", "嘉鱼县新闻三"}; !slices.Equal(got, want) {
		t.Errorf("published %v, want %v", got, want)
	}
}

func TestPollParseFailure(t *testing.T) {
	page := readFixture(t, "not-a-feed.html")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"page"`)
		_, _ = w.Write(page)
	}))
	defer srv.Close()
	src := feedSource("gx", srv.URL)
	h := newHarness(t, config.Ingest{}, src)
	res, err := h.poll(t, src)
	if err == nil || res.Health.LastError != "ingest: parse feed gx: not an RSS, Atom or JSON feed" {
		t.Fatalf("parse failure: %+v, %v", res.Health, err)
	}
	if res.Health.ETag != "" {
		t.Error("validators of an unparseable body were saved")
	}
}

func TestNewSchedulerChecks(t *testing.T) {
	st := newMemState()
	pub := &memPublisher{state: st}
	good := feedSource("a", "http://127.0.0.1/feed")
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no publisher", Options{State: st}, "Publisher and State are required"},
		{"no state", Options{Publisher: pub}, "Publisher and State are required"},
		{"duplicate id", Options{Publisher: pub, State: st, Sources: []model.Source{good, good}}, `source id "a" is used twice`},
		{"no id", Options{Publisher: pub, State: st, Sources: []model.Source{{URL: "http://x"}}}, "has no id"},
		{"no url", Options{Publisher: pub, State: st, Sources: []model.Source{{ID: "b"}}}, "source b has no URL"},
		{"kind", Options{Publisher: pub, State: st, Sources: []model.Source{{ID: "c", URL: "http://x", Kind: "html"}}}, `kind "html" is not supported`},
	}
	for _, tt := range tests {
		if _, err := NewScheduler(tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	reg := prometheus.NewRegistry()
	o := Options{Publisher: pub, State: st, Sources: []model.Source{good}, Registerer: reg}
	if _, err := NewScheduler(o); err != nil {
		t.Fatal(err)
	}
	// A second scheduler in the process shares the registered series.
	if _, err := NewScheduler(o); err != nil {
		t.Errorf("second scheduler on one registry: %v", err)
	}
	if _, err := NewScheduler(Options{Publisher: pub, State: st, Sources: []model.Source{good}}); err != nil {
		t.Errorf("nil registerer: %v", err)
	}
}

func TestFailureWait(t *testing.T) {
	src := model.Source{ID: "s", Interval: 30 * time.Minute}
	tests := []struct {
		name       string
		jitter     float64
		rand       float64
		failures   int
		retryAfter time.Duration
		want       time.Duration
	}{
		{"source interval", 0, 0, 1, 0, 30 * time.Minute},
		{"doubles", 0, 0, 3, 0, 2 * time.Hour},
		{"capped", 0, 0, 10, 0, 6 * time.Hour},
		{"no overflow", 0, 0, 1 << 20, 0, 6 * time.Hour},
		{"jitter down", 0.2, 0, 1, 0, 24 * time.Minute},
		{"jitter up", 0.2, 1, 1, 0, 36 * time.Minute},
		{"jitter clamped to 0.5", 0.9, 0, 1, 0, 15 * time.Minute},
		{"retry-after wins", 0, 0, 1, 3 * time.Hour, 3 * time.Hour},
	}
	for _, tt := range tests {
		st := newMemState()
		s, err := NewScheduler(Options{Config: config.Ingest{Jitter: tt.jitter}, Publisher: &memPublisher{state: st}, State: st,
			Rand: func() float64 { return tt.rand }})
		if err != nil {
			t.Fatal(err)
		}
		if got := s.failureWait(src, tt.failures, tt.retryAfter); got != tt.want {
			t.Errorf("%s: wait %s, want %s", tt.name, got, tt.want)
		}
	}
}

// metricValue reads one counter or gauge; result "" means no result label.
func metricValue(t *testing.T, reg *prometheus.Registry, name, source, result string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range families {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, lp := range m.GetLabel() {
				labels[lp.GetName()] = lp.GetValue()
			}
			if labels["source"] != source || labels["result"] != result {
				continue
			}
			if m.GetCounter() != nil {
				return m.GetCounter().GetValue()
			}
			return m.GetGauge().GetValue()
		}
	}
	return 0
}
