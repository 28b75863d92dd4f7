package app

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

var updateRouteTest = flag.Bool("update-routetest", false, "rewrite testdata/routetest.golden")

// TestRouteTest prints the built-in routing of a few label sets, among them
// the three in the routes file's comments.
func TestRouteTest(t *testing.T) {
	var out bytes.Buffer
	for _, args := range [][]string{
		{"topic=real_estate", "region=通城县", "severity=III"},
		{"topic=real_estate", "region=通城县", "severity=II"},
		{"topic=real_estate", "region=通城县", "region=崇阳县"},
		{"topic=financial_risk,education", "region=咸安区", "severity=IV", "source=forum", "story=s1"},
	} {
		fmt.Fprintf(&out, "$ yuqing route-test %s\n", strings.Join(args, " "))
		if err := RouteTest("", args, &out); err != nil {
			t.Fatalf("RouteTest(%v): %v", args, err)
		}
		out.WriteString("\n")
	}
	path := filepath.Join("testdata", "routetest.golden")
	if *updateRouteTest {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update-routetest to create it)", err)
	}
	if out.String() != string(want) {
		t.Errorf("route-test output differs from %s (run with -update-routetest to accept):\n%s", path, out.String())
	}
	for _, bad := range [][]string{{"region=通城县"}, {"topic=x", "city=咸宁"}, {"topic=x", "severity=V"}, {"topic"}} {
		if err := RouteTest("", bad, io.Discard); err == nil {
			t.Errorf("RouteTest(%v) succeeded", bad)
		}
	}
}

// TestAlertsCarryWorkingLinks runs the daemon: the departments' alerts
// carry their deadlines and signed links to the daemon's own HTTP
// endpoint; following the sign link signs the case, and the case API
// answers the department's token.
func TestAlertsCarryWorkingLinks(t *testing.T) {
	ctx := context.Background()
	feeds := feedServer(t)
	hooks := map[string]*hook{"housing": newHook(t, "housing-secret")}
	cfg := testConfig(t, t.TempDir(), feeds.URL, hooks)
	for i := range cfg.Departments {
		if cfg.Departments[i].Code == "housing" {
			cfg.Departments[i].Token = config.Secret("housing-token-0123456789")
		}
	}
	names := map[string]string{}
	for i := range cfg.Sources {
		cfg.Sources[i].Name = "测试源·" + cfg.Sources[i].ID
		names[cfg.Sources[i].ID] = cfg.Sources[i].Name
	}
	a, _ := startApp(t, cfg)
	var alert model.Alert
	eventually(t, "the housing bureau's first alert", func() (bool, string) {
		alerts, _, _ := hooks["housing"].received()
		if len(alerts) == 0 {
			return false, "no alert yet"
		}
		alert = alerts[0]
		return true, ""
	})
	if want := names[alert.Item.SourceID]; want == "" || alert.SourceName != want {
		t.Errorf("alert from source %q is named %q, want the configured %q", alert.Item.SourceID, alert.SourceName, want)
	}
	for _, l := range alert.Links {
		if l.SourceName != names[l.Source] {
			t.Errorf("link from source %q is named %q, want %q", l.Source, l.SourceName, names[l.Source])
		}
	}
	if len(alert.Deadlines) == 0 || alert.Deadlines[0].Due.IsZero() {
		t.Errorf("alert without deadlines: %+v", alert.Deadlines)
	}
	links := map[string]string{}
	for _, act := range alert.Actions {
		links[act.Name] = act.URL
	}
	sign := links[model.LinkSign]
	if !strings.HasPrefix(sign, "http://"+a.HTTPAddr()+"/act/") || links[model.LinkView] == "" {
		t.Fatalf("actions %+v: want signed links to %s", alert.Actions, a.HTTPAddr())
	}
	resp, err := http.PostForm(sign, url.Values{"name": {"张三"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST sign link: %d", resp.StatusCode)
	}
	c, err := a.store.Case(ctx, alert.CaseID)
	if err != nil || c.State != model.CaseSigned {
		t.Fatalf("case after the link: %+v, %v", c.State, err)
	}
	req, _ := http.NewRequest("GET", "http://"+a.HTTPAddr()+"/api/v1/cases", nil)
	req.Header.Set("Authorization", "Bearer housing-token-0123456789")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Cases []model.Case `json:"cases"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("case API: %d, %v", resp.StatusCode, err)
	}
	mine, _ := a.store.Cases(ctx, store.CaseFilter{Department: "housing"})
	if len(list.Cases) != len(mine) || len(mine) == 0 {
		t.Errorf("API listed %d cases, the housing bureau has %d", len(list.Cases), len(mine))
	}
	if _, err := os.Stat(filepath.Join(cfg.DataDir, linkKeyFile)); err != nil {
		t.Errorf("no generated link key: %v", err)
	}
}

// TestRestartRemembersRateLimits: the messages a receiver sent within its
// rate window before a restart still count after it, or a restart right
// after a burst would send a second burst into the same minute.
func TestRestartRemembersRateLimits(t *testing.T) {
	ctx := context.Background()
	hooks := map[string]*hook{"housing": newHook(t, "housing-secret")}
	cfg := testConfig(t, t.TempDir(), "http://127.0.0.1:1", hooks)
	for i := range cfg.Receivers {
		if cfg.Receivers[i].Name == "housing_hook" {
			cfg.Receivers[i].RateLimit = &config.RateLimit{PerMinute: 4}
		}
	}
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	st, err := store.Open(ctx, store.Options{DataDir: cfg.DataDir})
	if err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Time{now.Add(-2 * time.Minute), now.Add(-40 * time.Second), now.Add(-20 * time.Second), now.Add(-10 * time.Second)} {
		deliverOne(t, st, fmt.Sprintf("city:%d", i), "housing_hook", at)
	}
	deliverOne(t, st, "city:other", "education_hook", now.Add(-5*time.Second)) // not the housing robot's
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	a, err := New(ctx, cfg, Options{Analyzer: sharedAnalyzer(t), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := a.Stop(ctx); err != nil {
			t.Error(err)
		}
	}()
	limited, ok := a.notifiers["housing_hook"].(alert.RateLimited)
	if !ok {
		t.Fatal("the housing webhook has no rate limit")
	}
	// Three of its four messages were sent within the minute.
	if n, _ := limited.Budget(now); n != 1 {
		t.Errorf("budget after the restart = %d, want 1 of 4", n)
	}
	if n, next := limited.Budget(now.Add(20 * time.Second)); n != 2 || !next.IsZero() {
		t.Errorf("budget 20s later = %d, want 2 (the message sent 40s before the restart has left the window)", n)
	}
}

// deliverOne stores an item, opens a case sending to receiver and marks
// the delivery delivered at at.
func deliverOne(t *testing.T, st *store.Store, id, receiver string, at time.Time) {
	t.Helper()
	ctx := context.Background()
	item := model.TaggedItem{Item: model.Item{ID: id, SourceID: "city", Title: "测试 " + id, FetchedAt: at}}
	opened, err := st.OpenCases(ctx, item, []model.CaseOpening{{Department: "housing", Receivers: []string{receiver}}}, at)
	if err != nil || len(opened) != 1 {
		t.Fatalf("open a case for %s: %v, %v", id, opened, err)
	}
	dels, err := st.ClaimDeliveries(ctx, at, time.Minute, 10)
	if err != nil || len(dels) != 1 {
		t.Fatalf("claim the delivery of %s: %v, %v", id, dels, err)
	}
	if err := st.MarkDelivered(ctx, dels[0].ID, at); err != nil {
		t.Fatal(err)
	}
}
