package alert_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

func departmentMap(ds []config.Department) map[string]config.Department {
	m := map[string]config.Department{}
	for _, d := range ds {
		m[d.Code] = d
	}
	return m
}

func TestStageOpensCasesAndKicks(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	it := f.item("1", "forum", "", model.SeverityIII, "通城县")
	f.handle(it)
	cases := f.cases(store.CaseFilter{})
	got := map[string]bool{}
	for _, c := range cases {
		got[c.Department] = c.Lead
		if c.ItemID != it.Item.ID || c.State != model.CaseOpen || !slices.Equal(c.Topics, []string{"real_estate"}) {
			t.Errorf("case %+v", c)
		}
		if c.GroupKey != c.Department+"|topic=real_estate" {
			t.Errorf("case %d group key %q", c.ID, c.GroupKey)
		}
	}
	if len(got) != 2 || !got["tongcheng"] || got["housing"] {
		t.Fatalf("cases by department (lead) = %v, want tongcheng leading and housing responding", got)
	}
	wantMessages(t, "first item", f.sentMessages(), "housing_hook:new", "tongcheng_hook:new")
	if f.kicks.Load() != 1 {
		t.Errorf("kicks = %d, want 1", f.kicks.Load())
	}
	logged := f.logs.withMessage(t, "case opened")
	if len(logged) != 2 {
		t.Fatalf("logged %d opened cases, want 2", len(logged))
	}
	for _, key := range []string{"department", "item_id", "title", "topics", "case_id", "severity"} {
		if _, ok := logged[0][key]; !ok {
			t.Errorf("case log lacks %s: %v", key, logged[0])
		}
	}

	// Redelivery of the same message changes nothing and kicks nobody.
	f.handle(it)
	if len(f.sentMessages()) != 2 || f.kicks.Load() != 1 || len(f.logs.withMessage(t, "case opened")) != 2 {
		t.Errorf("a redelivered item queued, kicked (%d) or logged again", f.kicks.Load())
	}
	for series, want := range map[string]float64{
		`yuqing_alert_items_routed_total`:                         2,
		`yuqing_alert_cases_opened_total{department="tongcheng"}`: 1,
		`yuqing_alert_cases_opened_total{department="housing"}`:   1,
		`yuqing_alert_items_unrouted_total`:                       0,
	} {
		if got := metricValue(t, f.reg, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
}

func TestStageRejectsAndSkips(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	err := f.stage.Handle(f.ctx, model.TaggedItem{})
	if err == nil || !errors.Is(err, model.ErrPermanent) || !strings.Contains(err.Error(), "empty item id") {
		t.Errorf("empty id: err = %v, want a permanent error", err)
	}
	if err := f.stage.Handle(f.ctx, model.TaggedItem{Item: model.Item{ID: "s/2", Title: "天气晴"}}); err != nil {
		t.Errorf("item without topics: %v", err)
	}
	if got := metricValue(t, f.reg, "yuqing_alert_items_unrouted_total"); got != 1 {
		t.Errorf("unrouted = %v, want 1", got)
	}
	// A store that fails is a retryable error: the message comes back.
	f.store.Close()
	err = f.stage.Handle(f.ctx, f.item("3", "forum", "", model.SeverityIV))
	if err == nil || errors.Is(err, model.ErrPermanent) {
		t.Errorf("closed store: err = %v, want a retryable error", err)
	}
	if f.kicks.Load() != 0 {
		t.Errorf("kicks = %d, want 0", f.kicks.Load())
	}
}

func TestNewStageChecksOptions(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	table, receivers := loadRouteTable(t, "testdata/routes/continue.yaml")
	router, err := alert.CompileRoutes(table.Route, table.Departments, table.Topics, receivers)
	if err != nil {
		t.Fatal(err)
	}
	partial := departmentMap(table.Departments)
	delete(partial, "police")
	full := alert.StageOptions{Router: router, Departments: departmentMap(table.Departments), Cases: f.store,
		Registerer: prometheus.NewRegistry()}
	if _, err := alert.NewStage(full); err != nil {
		t.Fatalf("NewStage (no policy: the statutory default): %v", err)
	}
	tests := []struct {
		name    string
		edit    func(o *alert.StageOptions)
		wantErr string
	}{
		{"no router", func(o *alert.StageOptions) { o.Router = nil }, "no router"},
		{"no store", func(o *alert.StageOptions) { o.Cases = nil }, "no case store"},
		{"department missing", func(o *alert.StageOptions) { o.Departments = partial }, `department "police" is routed to but not configured`},
		{"metric name taken by another collector", func(o *alert.StageOptions) {
			clash := prometheus.NewRegistry()
			clash.MustRegister(prometheus.NewGauge(prometheus.GaugeOpts{Name: "yuqing_alert_items_routed_total", Help: "clash"}))
			o.Registerer = clash
		}, "register metrics"},
	}
	for _, tt := range tests {
		o := full
		tt.edit(&o)
		if _, err := alert.NewStage(o); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: NewStage error = %v, want %q", tt.name, err, tt.wantErr)
		}
	}
	o := full
	o.Registerer = nil
	if _, err := alert.NewStage(o); err != nil {
		t.Errorf("NewStage without registerer: %v", err)
	}
	if _, err := alert.NewPolicy(alert.PolicyOptions{Departments: departmentMap(table.Departments),
		Alert: config.Alert{Coordinator: "nobody"}}); err == nil {
		t.Error("NewPolicy accepted an escalation department that does not exist")
	}
}
