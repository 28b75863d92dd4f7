package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/report"
	"github.com/yuqing/yuqing/store"
)

var shanghai = report.Shanghai()

// weekItems are tagged items of 2026-W48 (and one of the week before).
func weekItems() []model.TaggedItem {
	mk := func(id, title string, at time.Time, topic string, negative bool) model.TaggedItem {
		a := model.Analysis{Topics: []model.TopicMatch{{ID: topic, Name: topic, Score: 1}}, Regions: []string{"通城县"},
			Sentiment: model.SentimentNeutral}
		if negative {
			a.Sentiment = model.SentimentNegative
		}
		return model.TaggedItem{Item: model.Item{ID: "xn:" + id, SourceID: "xn", Title: title, URL: "https://example.org/" + id, PublishedAt: at}, Analysis: a}
	}
	mon := time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai)
	return []model.TaggedItem{
		mk("1", "通城县某楼盘烂尾两年 业主集体维权", mon, "real_estate", true),
		mk("2", "烂尾楼盘复工进展如何", mon.Add(26*time.Hour), "real_estate", true),
		mk("3", "咸宁市出台稳定房地产市场十条措施", mon.Add(50*time.Hour), "real_estate", false),
		mk("4", "淦河支流河水发黑 村民反映化工厂偷排", mon.Add(74*time.Hour), "ecology", true),
		mk("5", "咸宁市房地产市场运行总体平稳", mon.AddDate(0, 0, -6), "real_estate", false),
		mk("6", "温泉街道烂尾小区何时交房", mon.Add(100*time.Hour), "real_estate", true),
	}
}

func seedStore(t *testing.T, st *store.Store) {
	t.Helper()
	for _, it := range weekItems() {
		if _, err := st.SaveTagged(context.Background(), it); err != nil {
			t.Fatal(err)
		}
	}
}

func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "yuqing.yaml")
	if err := os.WriteFile(cfgPath, []byte("data_dir: "+dir+"\nreport:\n  issuer: 咸宁市政务公开办\n  chromium: /nonexistent/chromium\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	seedStore(t, st)
	st.Close()
	run := func(o ReportOptions) (string, error) {
		var out strings.Builder
		o.ConfigPath, o.Stdout, o.Analyzer = cfgPath, &out, sharedAnalyzer(t)
		o.Now = func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, shanghai) }
		err := Report(context.Background(), o)
		return out.String(), err
	}
	md, err := run(ReportOptions{Format: "md"}) // default week: the previous one, 2026-W48
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# 咸宁市舆情周报", "2026年第48期　咸宁市政务公开办编", "共监测到涉及咸宁市的舆情信息5条，环比上升400.0%",
		"| 房地产市场 | 4 | 1 | ↑300.0% | 3 | 75.0% |", "| 烂尾（新） | 3 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown report lacks %q:\n%s", want, md)
		}
	}
	out := filepath.Join(dir, "w48.json")
	if _, err := run(ReportOptions{Week: "2026-W48", Department: "housing", Output: out}); err != nil {
		t.Fatal(err)
	}
	var d report.Data
	if b, err := os.ReadFile(out); err != nil || json.Unmarshal(b, &d) != nil {
		t.Fatalf("JSON report: %v", err)
	}
	if d.Scope.Department != "housing" || d.Headline.Items != 4 {
		t.Errorf("housing report: scope %+v, %d items; want housing's 4", d.Scope, d.Headline.Items)
	}
	for _, tc := range []struct {
		o    ReportOptions
		want string
	}{
		{ReportOptions{Format: "pdf"}, "apt-get install chromium"},
		{ReportOptions{Format: "docx"}, `format "docx"`},
		{ReportOptions{Week: "2026-W60"}, "week 60 out of range"},
		{ReportOptions{Department: "nobody"}, `department "nobody" is not defined`},
	} {
		if _, err := run(tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Report(%+v) = %v, want an error saying %q", tc.o, err, tc.want)
		}
	}
}

// reportHook records the reports a webhook receiver gets.
type reportHook struct {
	mu      sync.Mutex
	reports []model.ReportNotice
}

func (h *reportHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var p webhook.ReportPayload
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil || p.Kind != webhook.ReportKind {
		http.Error(w, "not a report", http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.reports = append(h.reports, p.Report)
}

func (h *reportHook) received() []model.ReportNotice {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]model.ReportNotice(nil), h.reports...)
}

// stepClock is a clock whose timers never fire: each daemon run below is
// one pass of the schedule at a fixed time. slept tells that the pass is
// over (the schedule went to sleep).
type stepClock struct {
	mu    sync.Mutex
	now   time.Time
	slept chan struct{}
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *stepClock) After(time.Duration) <-chan time.Time {
	c.slept <- struct{}{}
	return nil
}

func TestDaemonBuildsArchivesAndSendsTheWeeklyReport(t *testing.T) {
	hook := &reportHook{}
	srv := httptest.NewServer(hook)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir, cfg.HTTP.Listen = dir, "127.0.0.1:0"
	cfg.Receivers = append(cfg.Receivers, config.Receiver{Name: "office_hook", Webhook: &config.WebhookSpec{URL: config.Secret(srv.URL)}})
	cfg.Report.Receivers = []string{"office_hook"}
	cfg.Report.PublicURL = "https://yuqing.example.gov.cn"
	// The daemon's own schedule stays off: the test runs one on its clock.
	cfg.Report.Disabled = true
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	rc := cfg.Report.WithDefaults()
	rc.Disabled = false
	// Monday 09:00 after week 48, on an installation that ran before.
	clk := &stepClock{now: time.Date(2026, 11, 30, 9, 0, 0, 0, shanghai), slept: make(chan struct{}, 1)}
	runDaemon := func() *App {
		a, err := New(context.Background(), cfg, Options{Analyzer: sharedAnalyzer(t), Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		sched, err := a.newReportScheduler(rc, Options{}, clk.After)
		if err != nil {
			t.Fatal(err)
		}
		a.addLoop("report", sched.Run)
		if err := a.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		select {
		case <-clk.slept:
		case <-time.After(time.Minute):
			t.Fatal("the report schedule never went to sleep")
		}
		return a
	}
	st, err := store.Open(context.Background(), store.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	seedStore(t, st)
	if err := st.SkipReportRun(context.Background(), "2026-W47", "", clk.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()

	a := runDaemon()
	if got := len(hook.received()); got != 1 {
		t.Fatalf("%d reports received, want 1", got)
	}
	n := hook.received()[0]
	if n.Title != "咸宁市舆情周报（2026年第48期）" || !strings.Contains(n.Summary, "舆情信息5条") ||
		!strings.HasPrefix(n.URL, "https://yuqing.example.gov.cn/reports/") {
		t.Errorf("notice = %q, %q, %q", n.Title, n.Summary, n.URL)
	}
	// The link serves the archived report.
	mux := http.NewServeMux()
	mux.Handle("GET /reports/{file}", report.Handler(a.Store(), nil))
	web := httptest.NewServer(mux)
	defer web.Close()
	resp, err := http.Get(web.URL + strings.TrimPrefix(n.URL, "https://yuqing.example.gov.cn"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<h1 class=\"red-title\">咸宁市舆情周报</h1>") {
		t.Errorf("GET the report's link = %d, %.200s", resp.StatusCode, body)
	}
	runs, err := a.Store().ReportRuns(context.Background())
	if err != nil || len(runs) != 2 || runs[0].Period != "2026-W48" || runs[0].State != store.ReportRunDone {
		t.Errorf("runs = %+v, %v; want 2026-W48 done", runs, err)
	}
	if err := a.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}

	// Restarted later the same week: the report is not sent again.
	clk.set(clk.Now().Add(26 * time.Hour))
	a = runDaemon()
	if err := a.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(hook.received()); got != 1 {
		t.Errorf("%d reports received after a restart, want still 1", got)
	}
}
