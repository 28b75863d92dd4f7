package alert_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// fakeCaseStore keeps the CaseStore contract: one case per item and
// department; a case that exists is left alone and not returned again.
type fakeCaseStore struct {
	mu     sync.Mutex
	cases  map[string]model.Case
	calls  [][]model.CaseOpening
	nextID int64
	err    error
}

func newFakeCaseStore() *fakeCaseStore { return &fakeCaseStore{cases: map[string]model.Case{}} }

func (s *fakeCaseStore) OpenCases(_ context.Context, t model.TaggedItem, openings []model.CaseOpening, now time.Time) ([]model.Case, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, slices.Clone(openings))
	if s.err != nil {
		return nil, s.err
	}
	var created []model.Case
	for _, o := range openings {
		key := t.Item.ID + "\x00" + o.Department
		if _, ok := s.cases[key]; ok {
			continue
		}
		s.nextID++
		c := model.Case{ID: s.nextID, ItemID: t.Item.ID, StoryID: t.Analysis.StoryID, Department: o.Department,
			State: model.CaseOpen, Lead: o.Lead, Topics: t.Analysis.TopicIDs(), Severity: t.Analysis.Severity, OpenedAt: now}
		s.cases[key] = c
		created = append(created, c)
	}
	return created, nil
}

type stageFixture struct {
	stage *alert.Stage
	store *fakeCaseStore
	reg   *prometheus.Registry
	logs  *logRecords
	kicks int
}

func newStageFixture(t *testing.T) *stageFixture {
	t.Helper()
	table, receivers := loadRouteTable(t, "testdata/routes/continue.yaml")
	router, err := alert.CompileRoutes(table.Route, table.Departments, table.Topics, receivers)
	if err != nil {
		t.Fatal(err)
	}
	f := &stageFixture{store: newFakeCaseStore(), reg: prometheus.NewPedanticRegistry(), logs: &logRecords{}}
	clock := newFakeClock()
	f.stage, err = alert.NewStage(alert.StageOptions{
		Router: router, Departments: departmentMap(table.Departments), Cases: f.store,
		Kick: func() { f.kicks++ }, Now: clock.Now, Logger: f.logs.logger(), Registerer: f.reg,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func departmentMap(ds []config.Department) map[string]config.Department {
	m := map[string]config.Department{}
	for _, d := range ds {
		m[d.Code] = d
	}
	return m
}

func financialItem(id string) model.TaggedItem {
	return model.TaggedItem{
		Item: model.Item{ID: id, SourceID: "hubei_daily", Title: "某平台涉嫌非法集资"},
		Analysis: model.Analysis{
			Topics:   []model.TopicMatch{{ID: "financial_risk", Name: "金融安全", Score: 2, Terms: []string{"非法集资"}}},
			Severity: model.SeverityII,
			Regions:  []string{"咸宁市"},
		},
	}
}

func TestStageOpensCasesAndKicks(t *testing.T) {
	f := newStageFixture(t)
	ctx := context.Background()
	if err := f.stage.Handle(ctx, financialItem("hubei_daily/1")); err != nil {
		t.Fatal(err)
	}
	want := []model.CaseOpening{
		{Department: "emergency", DepartmentName: "市应急管理局", Receivers: []string{"log", "hook"}, Lead: true, Topics: []string{"financial_risk"}},
		{Department: "finance_office", DepartmentName: "市地方金融工作局", Receivers: []string{"hook"}, Lead: true, Topics: []string{"financial_risk"}},
		{Department: "police", DepartmentName: "市公安局", Receivers: []string{"log"}, Lead: false, Topics: []string{"financial_risk"}},
	}
	if len(f.store.calls) != 1 || fmt.Sprint(f.store.calls[0]) != fmt.Sprint(want) {
		t.Fatalf("OpenCases calls = %+v, want one with %+v", f.store.calls, want)
	}
	if f.kicks != 1 {
		t.Errorf("kicks = %d, want 1", f.kicks)
	}
	logged := f.logs.withMessage(t, "case opened")
	if len(logged) != 3 {
		t.Fatalf("logged %d opened cases, want 3", len(logged))
	}
	for _, key := range []string{"department", "item_id", "title", "topics", "case_id"} {
		if _, ok := logged[0][key]; !ok {
			t.Errorf("case log lacks %s: %v", key, logged[0])
		}
	}
	if logged[1]["department"] != "finance_office" || logged[1]["title"] != "某平台涉嫌非法集资" {
		t.Errorf("second case log = %v", logged[1])
	}

	// Redelivery of the same message: the store opens nothing, no kick.
	if err := f.stage.Handle(ctx, financialItem("hubei_daily/1")); err != nil {
		t.Fatal(err)
	}
	if f.kicks != 1 || len(f.logs.withMessage(t, "case opened")) != 3 {
		t.Errorf("a redelivered item kicked (%d) or logged new cases", f.kicks)
	}
	for series, want := range map[string]float64{
		`yuqing_alert_items_routed_total`:                              2,
		`yuqing_alert_cases_opened_total{department="emergency"}`:      1,
		`yuqing_alert_cases_opened_total{department="finance_office"}`: 1,
		`yuqing_alert_cases_opened_total{department="police"}`:         1,
		`yuqing_alert_items_unrouted_total`:                            0,
	} {
		if got := metricValue(t, f.reg, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
}

func TestStageRejectsAndSkips(t *testing.T) {
	storeDown := errors.New("database is locked")
	tests := []struct {
		name          string
		item          model.TaggedItem
		storeErr      error
		wantErr       string
		wantPermanent bool
		wantCalls     int
		wantUnrouted  float64
	}{
		{name: "empty item id", item: financialItem(""), wantErr: "empty item id", wantPermanent: true},
		{name: "no topics", item: model.TaggedItem{Item: model.Item{ID: "s/2", Title: "天气晴"}}, wantUnrouted: 1},
		{name: "store failure is retryable", item: financialItem("s/3"), storeErr: storeDown,
			wantErr: "alert: open cases for item s/3: database is locked", wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newStageFixture(t)
			f.store.err = tt.storeErr
			err := f.stage.Handle(context.Background(), tt.item)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Handle: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Handle error = %v, want %q", err, tt.wantErr)
			case errors.Is(err, model.ErrPermanent) != tt.wantPermanent:
				t.Fatalf("Handle error %v: permanent = %v, want %v", err, !tt.wantPermanent, tt.wantPermanent)
			case tt.storeErr != nil && !errors.Is(err, tt.storeErr):
				t.Fatalf("Handle error %v does not wrap the store's", err)
			}
			if len(f.store.calls) != tt.wantCalls || f.kicks != 0 {
				t.Errorf("OpenCases calls = %d, kicks = %d; want %d, 0", len(f.store.calls), f.kicks, tt.wantCalls)
			}
			if got := metricValue(t, f.reg, "yuqing_alert_items_unrouted_total"); got != tt.wantUnrouted {
				t.Errorf("unrouted = %v, want %v", got, tt.wantUnrouted)
			}
		})
	}
}

func TestNewStageChecksOptions(t *testing.T) {
	table, receivers := loadRouteTable(t, "testdata/routes/continue.yaml")
	router, err := alert.CompileRoutes(table.Route, table.Departments, table.Topics, receivers)
	if err != nil {
		t.Fatal(err)
	}
	partial := departmentMap(table.Departments)
	delete(partial, "police")
	reg := prometheus.NewRegistry()
	full := alert.StageOptions{Router: router, Departments: departmentMap(table.Departments), Cases: newFakeCaseStore(), Registerer: reg}
	if _, err := alert.NewStage(full); err != nil {
		t.Fatalf("NewStage: %v", err)
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
	// No registerer and no logger are fine.
	o := full
	o.Registerer = nil
	if _, err := alert.NewStage(o); err != nil {
		t.Errorf("NewStage without registerer: %v", err)
	}
}
