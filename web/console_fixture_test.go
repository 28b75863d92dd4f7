package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
	"github.com/yuqing/yuqing/web"
)

const (
	officeToken  = "office-token-0123456789"
	housingToken = "housing-token-0123456789"
	linkKey      = "0123456789abcdef0123456789abcdef-test-key"
)

var consoleDepartments = []config.Department{
	{Code: "office", Name: "市政务服务和大数据管理局", Token: officeToken},
	{Code: "housing", Name: "市住房和城乡建设局", Token: housingToken},
	{Code: "ecology", Name: "市生态环境局"},
}

type settableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *settableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *settableClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// t0 is Monday 2 March 2026, 09:00 in Beijing.
var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// console is a console over a real SQLite store, served by httptest, with
// a housing case and an ecology case.
type console struct {
	t       *testing.T
	srv     *httptest.Server
	store   *store.Store
	clock   *settableClock
	links   *web.Links
	housing model.Case
	ecology model.Case
}

func newConsole(t *testing.T) *console {
	t.Helper()
	c := &console{t: t, clock: &settableClock{t: t0}}
	st, err := store.Open(context.Background(), store.Options{DSN: filepath.Join(t.TempDir(), "yuqing.db"), Now: c.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c.store = st
	mux := http.NewServeMux()
	c.srv = httptest.NewServer(mux)
	t.Cleanup(c.srv.Close)
	c.links, err = web.NewLinks([]byte(linkKey), 7*24*time.Hour, func() string { return c.srv.URL })
	if err != nil {
		t.Fatal(err)
	}
	con, err := web.NewConsole(web.ConsoleOptions{Ledger: st, Departments: consoleDepartments, Coordinator: "office",
		Links: c.links, Now: c.clock.Now, TopicNames: map[string]string{"real_estate": "房地产市场"}, Silences: []model.Silence{{ID: 0, Topic: "education", StartsAt: t0,
			EndsAt: t0.Add(24 * time.Hour), Reason: "招生季集中答复", Author: "政务公开办", FromConfig: true}}})
	if err != nil {
		t.Fatal(err)
	}
	con.Register(mux.Handle)
	c.housing = c.open("forum:1", "housing", "市住房和城乡建设局", "story-1", "通城县一楼盘烂尾三年 业主集体维权")
	c.ecology = c.open("news:2", "ecology", "市生态环境局", "story-2", "嘉鱼县村民举报化工厂偷排废水")
	return c
}

// open opens a case that owes 予以回应 within 48 hours.
func (c *console) open(id, dept, name, story, title string) model.Case {
	c.t.Helper()
	it := model.TaggedItem{Item: model.Item{ID: id, SourceID: strings.Split(id, ":")[0], Title: title,
		URL: "https://example.org/" + id, PublishedAt: t0, FetchedAt: t0},
		Analysis: model.Analysis{Topics: []model.TopicMatch{{ID: "real_estate"}}, StoryID: story, Severity: model.SeverityIII}}
	policy := func(ch *model.CaseChange) {
		ch.Case.ClockStart = t0
		ch.Case.Deadlines = []model.Deadline{{Kind: model.DeadlineResponse, Name: "予以回应", Due: t0.Add(48 * time.Hour)}}
		ch.Events = append(ch.Events, model.CaseEvent{At: ch.Now, Actor: model.ActorSystem, Action: "opened", Detail: "路由：root"})
	}
	chs, err := c.store.RecordStory(context.Background(), it, []model.CaseOpening{{Department: dept, DepartmentName: name,
		Lead: true, Receivers: []string{"r"}}}, t0, policy)
	if err != nil || len(chs) != 1 {
		c.t.Fatalf("open case: %v, %v", chs, err)
	}
	return chs[0].Case
}

// do sends a request with a bearer token ("" for none) and an optional
// JSON body, and returns the status and the decoded JSON answer.
func (c *console) do(method, path, token, body string) (int, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.srv.URL+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			c.t.Fatalf("%s %s: answer is not JSON: %s", method, path, data)
		}
	}
	return resp.StatusCode, out
}

// page fetches an action page (GET, or POST with a form) and returns the
// status and the HTML.
func (c *console) page(method, rawURL string, form string, header ...string) (int, string, http.Header) {
	c.t.Helper()
	req, err := http.NewRequest(method, rawURL, strings.NewReader(form))
	if err != nil {
		c.t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), resp.Header
}

func (c *console) caseNow(id int64) model.Case {
	c.t.Helper()
	cs, err := c.store.Case(context.Background(), id)
	if err != nil {
		c.t.Fatal(err)
	}
	return cs
}
