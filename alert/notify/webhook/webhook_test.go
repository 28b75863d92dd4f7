package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

var sentAt = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func fixedNow() time.Time { return sentAt }

func sampleAlert() model.Alert {
	return model.Alert{
		CaseID: 42, Department: "housing", DepartmentName: "市住房和城乡建设局",
		Item: model.Item{ID: "hubei_daily/9f2c", SourceID: "hubei_daily", URL: "https://news.example.cn/a/9f2c",
			Title: "某小区交房延期引发业主聚集", Content: "业主反映开发商逾期交房。",
			PublishedAt: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), FetchedAt: time.Date(2026, 3, 2, 8, 5, 0, 0, time.UTC)},
		Analysis: model.Analysis{
			Topics:     []model.TopicMatch{{ID: "real_estate", Name: "房地产市场", Score: 2.5, Terms: []string{"交房", "业主"}}},
			Regions:    []string{"咸安区"},
			Negativity: 0.8, Sentiment: model.SentimentNegative, Severity: model.SeverityIII,
		},
		OpenedAt: time.Date(2026, 3, 2, 9, 29, 0, 0, time.UTC),
	}
}

// capture is a receiver that keeps the last request and answers with a
// configurable status.
type capture struct {
	status  int
	headers http.Header
	body    string
	last    *http.Request
	lastRaw []byte
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.last = r
	c.lastRaw, _ = io.ReadAll(r.Body)
	for k, vs := range c.headers {
		w.Header()[k] = vs
	}
	w.WriteHeader(c.status)
	_, _ = io.WriteString(w, c.body)
}

func newReceiver(t *testing.T, url string, spec config.WebhookSpec) *webhook.Notifier {
	t.Helper()
	spec.URL = config.Secret(url)
	n, err := webhook.New("housing_hook", spec, webhook.Options{Now: fixedNow, UserAgent: "yuqing/1.0.0"})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNotifyRequest(t *testing.T) {
	c := &capture{status: http.StatusNoContent}
	srv := httptest.NewServer(c)
	defer srv.Close()
	n := newReceiver(t, srv.URL+"/hook?key=abc", config.WebhookSpec{Secret: "s3cret",
		Headers: map[string]string{"X-Tenant": "xianning", "Content-Type": "text/plain"}})
	retry, err := n.Notify(alert.WithDeliveryID(context.Background(), 1234), sampleAlert())
	if err != nil || retry {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
	h := c.last.Header
	for k, want := range map[string]string{
		"Content-Type":          "application/json",
		"User-Agent":            "yuqing/1.0.0",
		webhook.HeaderDelivery:  "1234",
		webhook.HeaderTimestamp: "1772443800",
		"X-Tenant":              "xianning",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("header %s = %q, want %q", k, got, want)
		}
	}
	if c.last.Method != http.MethodPost || c.last.URL.RawQuery != "key=abc" {
		t.Errorf("request = %s %s", c.last.Method, c.last.URL)
	}
	if err := webhook.Verify([]byte("s3cret"), h, c.lastRaw, sentAt, time.Minute); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}
	checkGolden(t, "testdata/body.golden.json", c.lastRaw)
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	var pretty bytes.Buffer
	if err := jsonIndent(&pretty, got); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, got)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("body differs from %s (run go test -update if the change is intended):\n%s", path, pretty.Bytes())
	}
}

func TestNotifyWithoutSecretOrDeliveryID(t *testing.T) {
	c := &capture{status: http.StatusOK}
	srv := httptest.NewServer(c)
	defer srv.Close()
	if _, err := newReceiver(t, srv.URL, config.WebhookSpec{}).Notify(context.Background(), sampleAlert()); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{webhook.HeaderSignature, webhook.HeaderDelivery} {
		if v, ok := c.last.Header[k]; ok {
			t.Errorf("header %s = %q, want none", k, v)
		}
	}
	if c.last.Header.Get(webhook.HeaderTimestamp) == "" {
		t.Error("no timestamp header")
	}
}

func TestNotifyJudgesAnswers(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		headers    http.Header
		body       string
		wantRetry  bool
		wantErr    string
		retryAfter time.Duration // 0: no RetryAfterError
	}{
		{name: "200", status: 200},
		{name: "202", status: 202},
		{name: "400 is permanent", status: 400, body: `{"error":"缺少字段"}`, wantErr: `receiver answered 400 Bad Request: "{\"error\":\"缺少字段\"}"`},
		{name: "401 is permanent", status: 401, wantErr: "401 Unauthorized"},
		{name: "404 is permanent", status: 404, wantErr: "404 Not Found"},
		{name: "408 is retried", status: 408, wantRetry: true, wantErr: "408"},
		{name: "425 is retried", status: 425, wantRetry: true, wantErr: "425"},
		{name: "429 with seconds", status: 429, headers: http.Header{"Retry-After": {"30"}}, wantRetry: true, wantErr: "429", retryAfter: 30 * time.Second},
		{name: "503 with a date", status: 503, headers: http.Header{"Retry-After": {sentAt.Add(2 * time.Minute).Format(http.TimeFormat)}}, wantRetry: true, wantErr: "503", retryAfter: 2 * time.Minute},
		{name: "503 with a past date", status: 503, headers: http.Header{"Retry-After": {sentAt.Add(-time.Minute).Format(http.TimeFormat)}}, wantRetry: true, wantErr: "503"},
		{name: "503 with garbage", status: 503, headers: http.Header{"Retry-After": {"soon"}}, wantRetry: true, wantErr: "503"},
		{name: "500 body is cut at 200 bytes", status: 500, body: strings.Repeat("x", 199) + "yz", wantRetry: true, wantErr: strings.Repeat("x", 199) + `y"`},
		{name: "redirect is not followed", status: 302, headers: http.Header{"Location": {"https://elsewhere.example/"}}, wantErr: "redirects are not followed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(&capture{status: tt.status, headers: tt.headers, body: tt.body})
			defer srv.Close()
			retry, err := newReceiver(t, srv.URL, config.WebhookSpec{}).Notify(context.Background(), sampleAlert())
			if retry != tt.wantRetry {
				t.Errorf("retry = %v, want %v", retry, tt.wantRetry)
			}
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Notify: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Notify error = %v, want it to contain %s", err, tt.wantErr)
			}
			ra, isRA := errors.AsType[*alert.RetryAfterError](err)
			if tt.retryAfter == 0 && isRA || tt.retryAfter != 0 && (!isRA || ra.After != tt.retryAfter) {
				t.Errorf("Notify error %v: RetryAfterError = %v, want after %s", err, ra, tt.retryAfter)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "webhook: post alert to housing_hook: ") {
				t.Errorf("error %q lacks the prefix", err)
			}
		})
	}
}

func TestNotifyNetworkFailuresAreRetriedWithoutLeakingTheURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL + "/cgi-bin/webhook/send?key=SECRET-KEY"
	srv.Close() // nothing listens there any more
	retry, err := newReceiver(t, url, config.WebhookSpec{}).Notify(context.Background(), sampleAlert())
	if !retry || err == nil {
		t.Fatalf("Notify = %v, %v; want a retryable error", retry, err)
	}
	if strings.Contains(err.Error(), "SECRET-KEY") || strings.Contains(err.Error(), "/cgi-bin") {
		t.Errorf("error leaks the URL: %v", err)
	}
}

func TestNotifyTimesOut(t *testing.T) {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer srv.Close()
	defer close(stop)
	n := newReceiver(t, srv.URL+"/?token=SECRET", config.WebhookSpec{Timeout: config.Duration(50 * time.Millisecond)})
	retry, err := n.Notify(context.Background(), sampleAlert())
	if !retry || err == nil || !strings.Contains(err.Error(), "no answer within 50ms") || strings.Contains(err.Error(), "SECRET") {
		t.Fatalf("Notify = %v, %v; want a retryable timeout without the URL", retry, err)
	}
}

func TestNewChecksSpec(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "hook.secret")
	emptyFile := filepath.Join(dir, "empty.secret")
	if err := os.WriteFile(secretFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(emptyFile, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		spec    config.WebhookSpec
		wantErr string
	}{
		{"ok", config.WebhookSpec{URL: "https://bridge.example.gov.cn/yuqing?key=K"}, ""},
		{"secret file", config.WebhookSpec{URL: "https://h.example/", SecretFile: secretFile}, ""},
		{"no url", config.WebhookSpec{}, "url must be an absolute http or https URL"},
		{"relative url", config.WebhookSpec{URL: "/hook?key=K"}, "url must be"},
		{"other scheme", config.WebhookSpec{URL: "ftp://h.example/?key=K"}, "url must be"},
		{"both secrets", config.WebhookSpec{URL: "https://h.example/", Secret: "a", SecretFile: secretFile}, "not both"},
		{"missing secret file", config.WebhookSpec{URL: "https://h.example/", SecretFile: filepath.Join(dir, "nope")}, "read secret_file"},
		{"empty secret file", config.WebhookSpec{URL: "https://h.example/", SecretFile: emptyFile}, "is empty"},
		{"bad header", config.WebhookSpec{URL: "https://h.example/", Headers: map[string]string{"X Bad": "v"}}, `header "X Bad"`},
		{"bad header value", config.WebhookSpec{URL: "https://h.example/", Headers: map[string]string{"X-Ok": "a\nb"}}, `header "X-Ok"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := webhook.New("h", tt.spec, webhook.Options{})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("New error = %v, want %q", err, tt.wantErr)
			case err != nil && strings.Contains(err.Error(), "key=K"):
				t.Fatalf("error leaks the URL: %v", err)
			}
		})
	}
}

func TestSecretFileSigns(t *testing.T) {
	file := filepath.Join(t.TempDir(), "hook.secret")
	if err := os.WriteFile(file, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &capture{status: http.StatusOK}
	srv := httptest.NewServer(c)
	defer srv.Close()
	if _, err := newReceiver(t, srv.URL, config.WebhookSpec{SecretFile: file}).Notify(context.Background(), sampleAlert()); err != nil {
		t.Fatal(err)
	}
	if err := webhook.Verify([]byte("from-file"), c.last.Header, c.lastRaw, sentAt, time.Minute); err != nil {
		t.Fatalf("signature with the file's secret (newline trimmed): %v", err)
	}
}

func jsonIndent(w *bytes.Buffer, data []byte) error {
	if err := json.Indent(w, data, "", "  "); err != nil {
		return err
	}
	w.WriteByte('\n')
	return nil
}
