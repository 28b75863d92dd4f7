package alert_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.yaml.in/yaml/v3"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// caseDepartments are the departments of the case tests: each has its own
// receiver, so a delivery's receiver says whom it went to.
var caseDepartments = []config.Department{
	{Code: "office", Name: "市政务服务和大数据管理局", Receivers: []string{"office_hook"}},
	{Code: "housing", Name: "市住房和城乡建设局", Receivers: []string{"housing_hook"}},
	{Code: "ecology", Name: "市生态环境局", Receivers: []string{"ecology_hook"}},
	{Code: "tongcheng", Name: "通城县人民政府", Receivers: []string{"tongcheng_hook"}},
}

var caseTopics = []config.Topic{
	{ID: "real_estate", Name: "房地产市场", Departments: []string{"housing"}},
	{ID: "ecology", Name: "生态环境", Departments: []string{"ecology"}},
}

// caseRoutes: 通城县 leads what happens there, the topic's department
// responds with it; repeats are off unless a test turns them on.
const caseRoutes = `
department: office
group_by: [topic]
group_wait: 0s
group_interval: 1h
repeat_interval: 0s
routes:
  - matchers: ['region = 通城县']
    department: tongcheng
    topic_departments: co_respond
`

type fixtureOptions struct {
	routes   string
	alert    config.Alert
	silences []model.Silence
	links    alert.ActionLinker
	// sourceNames are the display names of the sources (PolicyOptions).
	sourceNames map[string]string
	dsn         string
}

// caseFixture is the alert side over a real SQLite store with a settable
// clock: the stage, the policy and the deadline clock.
type caseFixture struct {
	t      testing.TB
	ctx    context.Context
	store  *store.Store
	clock  *fakeClock
	stage  *alert.Stage
	ticker *alert.Ticker
	reg    *prometheus.Registry
	logs   *logRecords
	kicks  atomic.Int32
	dsn    string
}

func newCaseFixture(t testing.TB, o fixtureOptions) *caseFixture {
	t.Helper()
	f := &caseFixture{t: t, ctx: context.Background(), clock: newFakeClock(), reg: prometheus.NewPedanticRegistry(),
		logs: &logRecords{}, dsn: o.dsn}
	if f.dsn == "" {
		f.dsn = filepath.Join(t.TempDir(), "yuqing.db")
	}
	st, err := store.Open(f.ctx, store.Options{DSN: f.dsn, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.store = st
	routes := o.routes
	if routes == "" {
		routes = caseRoutes
	}
	var root config.Route
	if err := yaml.Unmarshal([]byte(routes), &root); err != nil {
		t.Fatal(err)
	}
	var receivers []config.Receiver
	depts := map[string]config.Department{}
	for _, d := range caseDepartments {
		depts[d.Code] = d
		receivers = append(receivers, config.Receiver{Name: d.Receivers[0], Log: &config.LogSpec{}})
	}
	router, err := alert.CompileRoutes(root, caseDepartments, caseTopics, receivers)
	if err != nil {
		t.Fatal(err)
	}
	if o.alert.Coordinator == "" {
		o.alert.Coordinator = "office"
	}
	policy, err := alert.NewPolicy(alert.PolicyOptions{Departments: depts, Alert: o.alert, Links: o.links,
		SourceNames: o.sourceNames})
	if err != nil {
		t.Fatal(err)
	}
	kick := func() { f.kicks.Add(1) }
	f.stage, err = alert.NewStage(alert.StageOptions{Router: router, Departments: depts, Cases: st, Policy: policy,
		Silences: o.silences, Kick: kick, Now: f.clock.Now, Logger: f.logs.logger(), Registerer: f.reg})
	if err != nil {
		t.Fatal(err)
	}
	f.ticker, err = alert.NewTicker(alert.TickerOptions{Policy: policy, Cases: st, Silences: o.silences,
		Kick: kick, Now: f.clock.Now, Logger: f.logs.logger(), Registerer: f.reg})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// item is a negative tagged item about real estate, published and fetched
// now.
func (f *caseFixture) item(id, source, story string, sev model.Severity, regions ...string) model.TaggedItem {
	now := f.clock.Now()
	return model.TaggedItem{
		Item: model.Item{ID: source + ":" + id, SourceID: source, Title: "楼盘烂尾 " + id,
			URL: "https://example.org/" + id, PublishedAt: now, FetchedAt: now},
		Analysis: model.Analysis{Topics: []model.TopicMatch{{ID: "real_estate", Name: "房地产市场", Terms: []string{"烂尾"}}},
			Regions: regions, Severity: sev, StoryID: story, Sentiment: model.SentimentNegative},
	}
}

func (f *caseFixture) handle(items ...model.TaggedItem) {
	f.t.Helper()
	for _, it := range items {
		if err := f.stage.Handle(f.ctx, it); err != nil {
			f.t.Fatalf("Handle(%s): %v", it.Item.ID, err)
		}
	}
}

// tickAt moves the clock to start+d and ticks; it returns how many
// messages the tick queued.
func (f *caseFixture) tickAt(start time.Time, d time.Duration) int {
	f.t.Helper()
	f.clock.Set(start.Add(d))
	n, err := f.ticker.Tick(f.ctx)
	if err != nil {
		f.t.Fatalf("Tick at +%s: %v", d, err)
	}
	return n
}

// sent is one queued delivery as a test reads it.
type sent struct {
	CaseID   int64
	Receiver string
	Kind     string
	Note     string
	Due      time.Time
	Alert    model.Alert
}

func (s sent) String() string {
	return fmt.Sprintf("case %d → %s: %s %q", s.CaseID, s.Receiver, s.Kind, s.Note)
}

// sentMessages returns every delivery queued so far, oldest first.
func (f *caseFixture) sentMessages() []sent {
	f.t.Helper()
	recs, err := f.store.Deliveries(f.ctx, store.DeliveryFilter{})
	if err != nil {
		f.t.Fatal(err)
	}
	var out []sent
	for _, r := range slices.Backward(recs) {
		var a model.Alert
		if err := json.Unmarshal(r.Payload, &a); err != nil {
			f.t.Fatalf("delivery %d: %v", r.ID, err)
		}
		kind := a.Kind
		if kind == "" {
			kind = model.AlertNew
		}
		out = append(out, sent{CaseID: r.CaseID, Receiver: r.Receiver, Kind: kind, Note: a.Note, Due: r.NextAttemptAt, Alert: a})
	}
	return out
}

// kinds lists "receiver:kind" of messages, in order.
func kinds(ms []sent) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Receiver + ":" + m.Kind
	}
	return out
}

func (f *caseFixture) cases(filter store.CaseFilter) []model.Case {
	f.t.Helper()
	cs, err := f.store.Cases(f.ctx, filter)
	if err != nil {
		f.t.Fatal(err)
	}
	return cs
}

func (f *caseFixture) onlyCase(dept string) model.Case {
	f.t.Helper()
	cs := f.cases(store.CaseFilter{Department: dept})
	if len(cs) != 1 {
		f.t.Fatalf("department %s has %d cases, want 1", dept, len(cs))
	}
	return cs[0]
}

func (f *caseFixture) events(caseID int64) []string {
	f.t.Helper()
	evs, err := f.store.CaseEvents(f.ctx, caseID)
	if err != nil {
		f.t.Fatal(err)
	}
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Action
	}
	return out
}

func wantMessages(t *testing.T, what string, got []sent, want ...string) {
	t.Helper()
	if !slices.Equal(kinds(got), want) {
		var lines []string
		for _, m := range got {
			lines = append(lines, m.String())
		}
		t.Fatalf("%s: messages\n  %s\nwant %v", what, strings.Join(lines, "\n  "), want)
	}
}

func storyFilter(story string) store.CaseFilter { return store.CaseFilter{StoryID: story} }
