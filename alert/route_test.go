package alert_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// routeTable is one file of testdata/routes: a routing configuration and
// what it must decide, or the compile errors it must produce.
type routeTable struct {
	Receivers   []string            `yaml:"receivers"`
	Departments []config.Department `yaml:"departments"`
	Topics      []config.Topic      `yaml:"topics"`
	Route       config.Route        `yaml:"route"`
	Cases       []routeCase         `yaml:"cases"`
	WantErrors  []string            `yaml:"want_errors"`
}

type routeCase struct {
	Name string `yaml:"name"`
	Item struct {
		Topics   []string `yaml:"topics"`
		Regions  []string `yaml:"regions"`
		Severity string   `yaml:"severity"`
		Source   string   `yaml:"source"`
		Story    string   `yaml:"story"`
	} `yaml:"item"`
	Want []struct {
		Department string   `yaml:"department"`
		Lead       bool     `yaml:"lead"`
		Topics     []string `yaml:"topics"`
		Path       []string `yaml:"path"`
		// Group, when given, is the decision's group key and timing.
		Group *wantGroup `yaml:"group"`
	} `yaml:"want"`
}

type wantGroup struct {
	Key      string `yaml:"key"`
	Wait     string `yaml:"wait"`
	Interval string `yaml:"interval"`
	Repeat   string `yaml:"repeat"`
}

func (c routeCase) tagged(t *testing.T) model.TaggedItem {
	t.Helper()
	sev, err := model.ParseSeverity(c.Item.Severity)
	if c.Item.Severity == "" {
		sev, err = model.SeverityNone, nil
	}
	if err != nil {
		t.Fatal(err)
	}
	ti := model.TaggedItem{
		Item:     model.Item{ID: "test/1", SourceID: c.Item.Source, Title: c.Name},
		Analysis: model.Analysis{Regions: c.Item.Regions, Severity: sev, StoryID: c.Item.Story},
	}
	for _, id := range c.Item.Topics {
		ti.Analysis.Topics = append(ti.Analysis.Topics, model.TopicMatch{ID: id, Score: 1})
	}
	return ti
}

// loadRouteTable decodes a table strictly and gives routes, departments
// and topics their file:line, as the configuration loader does.
func loadRouteTable(t *testing.T, path string) (routeTable, []config.Receiver) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var table routeTable
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&table); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	file := filepath.Base(path)
	root := doc.Content[0]
	if n := mapValue(root, "route"); n != nil {
		setRoutePos(&table.Route, n, file)
	}
	for i, n := range seqItems(mapValue(root, "departments")) {
		table.Departments[i].Pos = config.Pos{File: file, Line: n.Line}
	}
	for i, n := range seqItems(mapValue(root, "topics")) {
		table.Topics[i].Pos = config.Pos{File: file, Line: n.Line}
	}
	receivers := make([]config.Receiver, len(table.Receivers))
	for i, name := range table.Receivers {
		receivers[i] = config.Receiver{Name: name, Log: &config.LogSpec{}}
	}
	return table, receivers
}

func setRoutePos(r *config.Route, n *yaml.Node, file string) {
	r.Pos = config.Pos{File: file, Line: n.Line}
	for i, child := range seqItems(mapValue(n, "routes")) {
		setRoutePos(&r.Routes[i], child, file)
	}
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func seqItems(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func TestRouteTables(t *testing.T) {
	files, err := filepath.Glob("testdata/routes/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no routing tables: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			table, receivers := loadRouteTable(t, file)
			router, err := alert.CompileRoutes(table.Route, table.Departments, table.Topics, receivers)
			if len(table.WantErrors) > 0 {
				checkCompileErrors(t, err, table.WantErrors)
				return
			}
			if err != nil {
				t.Fatalf("CompileRoutes: %v", err)
			}
			if len(table.Cases) == 0 {
				t.Fatal("table has neither cases nor want_errors")
			}
			for _, c := range table.Cases {
				t.Run(c.Name, func(t *testing.T) { checkRouteCase(t, router, c) })
			}
		})
	}
}

func checkRouteCase(t *testing.T, router *alert.Router, c routeCase) {
	item := c.tagged(t)
	got := router.Route(item)
	if len(got) != len(c.Want) {
		t.Fatalf("got %d decisions, want %d:\n%s", len(got), len(c.Want), formatDecisions(got))
	}
	for i, w := range c.Want {
		g := got[i]
		if g.Department != w.Department || g.Lead != w.Lead || !slices.Equal(g.Topics, w.Topics) || !slices.Equal(g.Path, w.Path) {
			t.Errorf("decision %d:\n got %s\nwant %s", i, formatDecisions(got[i:i+1]),
				formatDecisions([]alert.Decision{{Department: w.Department, Lead: w.Lead, Topics: w.Topics, Path: w.Path}}))
		}
		if w.Group == nil {
			continue
		}
		gg := g.Grouping
		gotGroup := wantGroup{Key: alert.GroupKey(g, item), Wait: gg.Wait.String(), Interval: gg.Interval.String(), Repeat: gg.Repeat.String()}
		if gotGroup != *w.Group {
			t.Errorf("decision %d (%s): group %+v, want %+v", i, g.Department, gotGroup, *w.Group)
		}
	}
}

func formatDecisions(ds []alert.Decision) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("  " + d.Department)
		if d.Lead {
			b.WriteString(" (lead)")
		}
		b.WriteString(" topics=" + strings.Join(d.Topics, ",") + " path=" + strings.Join(d.Path, " / ") + "\n")
	}
	return b.String()
}

func checkCompileErrors(t *testing.T, err error, want []string) {
	t.Helper()
	var problems config.Problems
	if !errors.As(err, &problems) {
		t.Fatalf("CompileRoutes error = %v, want config.Problems", err)
	}
	if !strings.HasPrefix(err.Error(), "alert: compile routes: ") {
		t.Errorf("error %q lacks the alert: compile routes: prefix", err)
	}
	got := make([]string, len(problems))
	for i, p := range problems {
		got[i] = p.Error()
	}
	if !slices.Equal(got, want) {
		t.Errorf("compile errors:\n got:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestRouterMatchIsPure(t *testing.T) {
	table, receivers := loadRouteTable(t, "testdata/routes/continue.yaml")
	router, err := alert.CompileRoutes(table.Route, table.Departments, table.Topics, receivers)
	if err != nil {
		t.Fatal(err)
	}
	labels := alert.Labels{alert.LabelTopic: {"financial_risk"}, alert.LabelRegion: {"通城县"}}
	first := router.Match(labels)
	// Changing what Match returned must not change the router.
	first[0].Path[0] = "changed"
	first[0].CoResponders = append(first[0].CoResponders[:0], "changed")
	second := router.Match(labels)
	if second[0].Path[0] != "root" || slices.Contains(second[0].CoResponders, "changed") {
		t.Fatalf("Match results share memory with the router: %+v", second[0])
	}
	if len(second) != 2 || second[0].Department != "tongcheng" || second[1].Department != "finance_office" || second[0].Root {
		t.Fatalf("Match = %+v, want tongcheng then finance_office", second)
	}
	if got := router.Match(alert.Labels{alert.LabelTopic: {"food_safety"}}); len(got) != 1 || !got[0].Root {
		t.Fatalf("Match of an unrouted label set = %+v, want the root", got)
	}
	wantDepts := []string{"cac", "chongyang", "emergency", "finance_office", "office", "police", "tongcheng"}
	if got := router.Departments(); !slices.Equal(got, wantDepts) {
		t.Errorf("Departments() = %v, want %v", got, wantDepts)
	}
}

func TestItemLabels(t *testing.T) {
	ti := model.TaggedItem{
		Item:     model.Item{ID: "s/1", SourceID: "hubei_daily"},
		Analysis: model.Analysis{Regions: []string{"通城县", "咸宁市"}, Severity: model.SeverityII, StoryID: "st1"},
	}
	got := alert.ItemLabels(ti, "education")
	want := alert.Labels{"topic": {"education"}, "region": {"通城县", "咸宁市"}, "severity": {"II"}, "source": {"hubei_daily"}, "story": {"st1"}}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("label %s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("labels = %v, want %v", got, want)
	}
	got[alert.LabelRegion][0] = "changed"
	if ti.Analysis.Regions[0] != "通城县" {
		t.Error("ItemLabels shares the item's region slice")
	}
}
