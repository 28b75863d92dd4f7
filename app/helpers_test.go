package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/analyze"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// The analyzer takes a second and ~150 MB to build: every test shares one.
var shared struct {
	once     sync.Once
	analyzer *analyze.Analyzer
	err      error
}

func sharedAnalyzer(t testing.TB) *analyze.Analyzer {
	t.Helper()
	shared.once.Do(func() {
		cfg, err := config.Default()
		if err != nil {
			shared.err = err
			return
		}
		shared.analyzer, shared.err = BuildAnalyzer(cfg)
	})
	if shared.err != nil {
		t.Fatalf("build analyzer: %v", shared.err)
	}
	return shared.analyzer
}

// feedServer serves the fixtures of testdata/feeds: city.rss as UTF-8 with
// an ETag, county.rss as GBK with no charset anywhere but the prolog, and
// broken.rss.
func feedServer(t *testing.T) *httptest.Server {
	t.Helper()
	read := func(name string) []byte {
		b, err := os.ReadFile("testdata/feeds/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(read("county.utf8.rss"))
	if err != nil {
		t.Fatalf("encode fixture as GBK: %v", err)
	}
	feeds := map[string][]byte{"city.rss": read("city.rss"), "county.rss": gbk, "broken.rss": read("broken.rss")}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := feeds[r.URL.Path[1:]]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		if r.URL.Path == "/city.rss" {
			w.Header().Set("ETag", `"city-v1"`)
			if r.Header.Get("If-None-Match") == `"city-v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// hook is a department's webhook endpoint: it verifies every request's
// signature and records the alerts; while down it answers 503.
type hook struct {
	srv    *httptest.Server
	secret string

	mu       sync.Mutex
	down     bool
	alerts   []model.Alert
	attempts int
	rejected int
}

func newHook(t *testing.T, secret string) *hook {
	h := &hook{secret: secret}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hook) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.attempts++
	if h.down {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	if err := webhook.Verify([]byte(h.secret), r.Header, body, time.Now(), time.Minute); err != nil {
		h.rejected++
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		h.rejected++
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.alerts = append(h.alerts, p.Alert)
}

func (h *hook) setDown(down bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.down = down
}

func (h *hook) received() ([]model.Alert, int, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]model.Alert(nil), h.alerts...), h.attempts, h.rejected
}

// testConfig is the built-in configuration with the fixture feeds as
// sources and the housing, education and ecology bureaus on their own
// webhooks (every other department logs).
func testConfig(t *testing.T, dataDir, feedsURL string, hooks map[string]*hook) *config.Config {
	t.Helper()
	cfg, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	cfg.DataDir = dataDir
	cfg.HTTP.Listen = "127.0.0.1:0"
	for _, name := range []string{"city", "county", "broken"} {
		cfg.Sources = append(cfg.Sources, config.Source{
			ID: name, Name: name, Kind: "feed", URL: feedsURL + "/" + name + ".rss",
			Interval: config.Duration(time.Hour), Weight: 1,
		})
	}
	cfg.Alert.Retry.Initial = config.Duration(time.Second)
	// Short, so a test can get a duplicate past JetStream to the store.
	cfg.NATS.DuplicateWindow = config.Duration(time.Second)
	for dept, h := range hooks {
		name := dept + "_hook"
		cfg.Receivers = append(cfg.Receivers, config.Receiver{Name: name, Webhook: &config.WebhookSpec{
			URL: config.Secret(h.srv.URL), Secret: config.Secret(h.secret),
		}})
		for i := range cfg.Departments {
			if cfg.Departments[i].Code == dept {
				cfg.Departments[i].Receivers = []string{name}
			}
		}
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// startApp starts the app and returns it with an idempotent stop function
// (also registered as a cleanup).
func startApp(t *testing.T, cfg *config.Config) (*App, func()) {
	t.Helper()
	ctx := context.Background()
	a, err := New(ctx, cfg, Options{Analyzer: sharedAnalyzer(t)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			if err := a.Stop(context.Background()); err != nil {
				t.Errorf("Stop: %v", err)
			}
		}
	}
	t.Cleanup(stop)
	if err := a.Start(ctx); err != nil {
		t.Fatalf("Start: %v", err)
	}
	return a, stop
}

// eventually waits for cond, failing with its last explanation after a
// generous bound. The bound guards against a hang; it is not a speed check.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still not the case after 60s: %s", what, why)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
