package report

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/yuqing/yuqing/model"
)

// memArchive keeps archived reports in memory; the store's archive is
// checked by its conformance suite.
type memArchive struct {
	mu      sync.Mutex
	reports []model.ArchivedReport
}

func (a *memArchive) SaveReport(_ context.Context, r model.ArchivedReport) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.reports = append(a.reports, r)
	return nil
}

func (a *memArchive) ReportByToken(_ context.Context, token, format string) (model.ArchivedReport, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, r := range a.reports {
		if r.Token == token && r.Format == format {
			return r, nil
		}
	}
	return model.ArchivedReport{}, model.ErrNotFound
}

// recordingSender records notices and fails as told: errs[i] is the
// result of the i-th attempt (nil once they run out).
type recordingSender struct {
	mu      sync.Mutex
	errs    []error
	notices []model.ReportNotice
}

func (s *recordingSender) SendReport(_ context.Context, n model.ReportNotice) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notices = append(s.notices, n)
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		return err
	}
	return nil
}

func TestPublish(t *testing.T) {
	archive := &memArchive{}
	ok := &recordingSender{}
	flaky := &recordingSender{errs: []error{errors.New("connection reset"), errors.New("502")}}
	broken := &recordingSender{errs: []error{model.Permanent(errors.New("93000 invalid webhook key"))}}
	dept := &recordingSender{}
	reg := prometheus.NewRegistry()
	var waits []time.Duration
	p, err := NewPublisher(PublisherOptions{
		Builder: testBuilder(t, loadFixture(t)), Charts: NewCharts(nil), Archive: archive,
		Formats: []string{"html", "md", "json", "pdf"}, PublicURL: "https://yuqing.example.gov.cn/",
		Senders:   map[string]Sender{"mail": ok, "wecom": flaky, "dingtalk": broken, "housing_mail": dept},
		Receivers: []string{"mail", "wecom", "dingtalk", "log"}, DepartmentReceivers: map[string][]string{"housing": {"housing_mail"}},
		Now: func() time.Time { return testNow }, Registerer: reg,
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ParseWeek("2026-W48", nil)
	err = p.Publish(context.Background(), w, "")
	var de *DeliveryError
	if !errors.As(err, &de) || len(de.Failed) != 1 || de.Failed["dingtalk"] == nil {
		t.Fatalf("Publish() = %v, want a DeliveryError for dingtalk only", err)
	}
	// No Chromium: html, md and json are archived under one token.
	var formats []string
	for _, r := range archive.reports {
		formats = append(formats, r.Format)
		if r.Token != archive.reports[0].Token || r.Period != "2026-W48" || r.Scope != "" || len(r.Content) == 0 {
			t.Errorf("archived %+v", r)
		}
	}
	if !slices.Equal(formats, []string{"html", "md", "json"}) {
		t.Errorf("archived formats %v, want html md json", formats)
	}
	n := ok.notices[0]
	wantURL := "https://yuqing.example.gov.cn/reports/" + archive.reports[0].Token + ".html"
	if n.Title != "咸宁市舆情周报（2026年第48期）" || n.URL != wantURL || n.PDF != nil {
		t.Errorf("notice = %q %q pdf=%d", n.Title, n.URL, len(n.PDF))
	}
	if !strings.HasPrefix(n.Summary, "**咸宁市舆情周报（2026年第48期）**\n\n本周（2026年11月23日至11月29日）共监测到") {
		t.Errorf("summary = %q", n.Summary)
	}
	html := string(n.HTML)
	if strings.Contains(html, "<svg") || !strings.Contains(html, wantURL) || !strings.Contains(html, "未找到中文字体") {
		t.Error("emailed HTML must carry no SVG, link the online version and, without a CJK font, say why it has no charts")
	}
	if len(flaky.notices) != 3 || len(broken.notices) != 1 || !slices.Equal(waits, []time.Duration{5 * time.Second, 10 * time.Second}) {
		t.Errorf("attempts: flaky %d (want 3), broken %d (want 1, permanent); waits %v", len(flaky.notices), len(broken.notices), waits)
	}
	if got := counterValue(t, p.sends.WithLabelValues("log", "unsupported")); got != 1 {
		t.Errorf("unsupported deliveries to log = %v, want 1", got)
	}
	if got := counterValue(t, p.builds.WithLabelValues("ok")); got != 1 {
		t.Errorf("builds ok = %v, want 1", got)
	}

	// A department's report goes to its own receivers only.
	if err := p.Publish(context.Background(), w, "housing"); err != nil {
		t.Fatal(err)
	}
	if len(dept.notices) != 1 || !strings.Contains(dept.notices[0].Title, "市住房和城乡建设局") || len(ok.notices) != 1 {
		t.Errorf("department report sent to %d housing, %d city receivers", len(dept.notices), len(ok.notices)-1)
	}

	// The archived report is served by its token, and nothing else is.
	srv := httptest.NewServer(func() http.Handler {
		mux := http.NewServeMux()
		mux.Handle("GET /reports/{file}", Handler(archive, nil))
		return mux
	}())
	defer srv.Close()
	checkServed(t, srv.URL, archive.reports[0].Token)
}

func checkServed(t *testing.T, base, token string) {
	t.Helper()
	tests := []struct {
		path, wantType string
		wantStatus     int
	}{
		{"/reports/" + token + ".html", "text/html; charset=utf-8", 200},
		{"/reports/" + token + ".md", "text/markdown; charset=utf-8", 200},
		{"/reports/" + token + ".json", "application/json", 200},
		{"/reports/" + token + ".pdf", "", 404}, // not made: no Chromium
		{"/reports/" + token + ".exe", "", 404},
		{"/reports/" + strings.Repeat("0", 32) + ".html", "", 404},
		{"/reports/..%2f..%2fetc%2fpasswd", "", 404},
	}
	for _, tc := range tests {
		resp, err := http.Get(base + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.wantStatus || (tc.wantType != "" && resp.Header.Get("Content-Type") != tc.wantType) {
			t.Errorf("GET %s = %d %q, want %d %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.wantStatus, tc.wantType)
		}
		if resp.StatusCode == 200 && resp.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("GET %s may be cached", tc.path)
		}
	}
}

func TestPublishWithPNGCharts(t *testing.T) {
	charts := cjkCharts(t)
	s := &recordingSender{}
	p, err := NewPublisher(PublisherOptions{Builder: testBuilder(t, loadFixture(t)), Charts: charts,
		Senders: map[string]Sender{"mail": s}, Receivers: []string{"mail"}})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ParseWeek("2026-W48", nil)
	if err := p.Publish(context.Background(), w, ""); err != nil {
		t.Fatal(err)
	}
	n := s.notices[0]
	html := string(n.HTML)
	// 13 charts, each a PNG inline image the HTML names by Content-ID
	// (mail clients drop data: URIs); no archive, so no link.
	if got := strings.Count(html, `<img src="cid:`); got != 13 || len(n.Images) != 13 || n.URL != "" {
		t.Errorf("emailed HTML has %d cid: charts and %d images (want 13 each), URL %q (want none)", got, len(n.Images), n.URL)
	}
	if strings.Contains(html, "data:image") {
		t.Error("emailed HTML still carries data: URIs")
	}
	seen := map[string]bool{}
	for _, img := range n.Images {
		if !strings.Contains(html, `src="cid:`+img.ContentID+`"`) || seen[img.ContentID] {
			t.Errorf("image %q is not referenced once by the HTML", img.ContentID)
		}
		seen[img.ContentID] = true
		if _, err := png.Decode(bytes.NewReader(img.Data)); err != nil || img.ContentType != "image/png" || !strings.HasSuffix(img.Name, ".png") {
			t.Errorf("image %q (%s, %s) is not a PNG: %v", img.ContentID, img.Name, img.ContentType, err)
		}
	}
}

func TestInlineChartNames(t *testing.T) {
	tests := []struct {
		i        int
		name     string
		wantID   string
		wantFile string
	}{
		{0, "areas", "chart01.areas@yuqing.report", "areas.png"},
		{3, "trend-real_estate", "chart04.trend-real-estate@yuqing.report", "trend-real-estate.png"},
		{12, "trend-住房 <x>", "chart13.trend-----x-@yuqing.report", "trend-----x-.png"},
	}
	for _, tc := range tests {
		img := inlineChart(tc.i, tc.name, []byte{1})
		if img.ContentID != tc.wantID || img.Name != tc.wantFile || img.ContentType != "image/png" {
			t.Errorf("inlineChart(%d, %q) = %q %q %q, want %q %q image/png", tc.i, tc.name, img.ContentID, img.Name, img.ContentType, tc.wantID, tc.wantFile)
		}
	}
}

func TestRenderHTMLRefusesInlineImages(t *testing.T) {
	d := buildFixture(t, loadFixture(t), "")
	var buf bytes.Buffer
	if err := RenderHTML(&buf, d, HTMLOptions{Charts: NewCharts(nil), Images: imagesCID}); err == nil {
		t.Error("RenderHTML with cid: images would lose the images; want an error")
	}
}

func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
