package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

var (
	cst       = time.FixedZone("CST", 8*3600)
	weekStart = time.Date(2026, 11, 23, 0, 0, 0, 0, cst) // 2026-W48
	weekEnd   = weekStart.AddDate(0, 0, 7)
)

// reportItem is a tagged item of the report's test week.
func reportItem(id, source string, at time.Time, topics, regions []string, negative bool, sev model.Severity, story string) model.TaggedItem {
	a := model.Analysis{Regions: regions, Severity: sev, StoryID: story, Sentiment: model.SentimentNeutral}
	if negative {
		a.Sentiment, a.Negativity = model.SentimentNegative, 0.8
	}
	for _, tp := range topics {
		a.Topics = append(a.Topics, model.TopicMatch{ID: tp, Name: tp, Score: 1})
	}
	return model.TaggedItem{
		Item:     model.Item{ID: source + ":" + id, SourceID: source, URL: "https://example.org/" + id, Title: "标题" + id, PublishedAt: at},
		Analysis: a,
	}
}

// reportWeek stores the items of the test week, its edges and the weeks
// around it, and cases opened in and before it.
func reportWeek(t *testing.T, s *store.Store) map[string]model.TaggedItem {
	t.Helper()
	ctx := context.Background()
	items := map[string]model.TaggedItem{
		"a": reportItem("a", "xnnews", weekStart.Add(9*time.Hour), []string{"real_estate"}, []string{"通城县"}, true, model.SeverityIII, "s1"),
		"b": reportItem("b", "weibo", weekStart.Add(10*time.Hour), []string{"real_estate", "ecology"}, []string{"通城县", "咸宁市"}, false, model.SeverityIV, ""),
		"c": reportItem("c", "weibo", weekStart.Add(32*time.Hour), []string{"ecology"}, []string{"咸安区"}, true, model.SeverityII, "s2"),
		"d": reportItem("d", "xnnews", weekEnd.Add(-time.Second), []string{"education"}, nil, true, 0, ""),
		"e": reportItem("e", "xnnews", weekEnd, []string{"education"}, nil, true, 0, ""),
		"f": reportItem("f", "xnnews", weekStart.Add(-time.Minute), []string{"real_estate"}, nil, true, 0, ""),
		"g": reportItem("g", "hbgov", weekStart.Add(60*time.Hour), nil, []string{"咸安区"}, false, 0, ""),
	}
	if err := s.SyncSources(ctx, []model.Source{{ID: "hbgov", Name: "湖北省政府"}, {ID: "quiet", Name: "沉默的源"},
		{ID: "weibo", Name: "微博"}, {ID: "xnnews", Name: "咸宁新闻网"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSourceHealth(ctx, model.SourceHealth{SourceID: "quiet", ConsecutiveFailures: 3,
		LastError: "HTTP 503", LastErrorAt: weekEnd.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		if _, err := s.SaveTagged(ctx, items[id]); err != nil {
			t.Fatal(err)
		}
	}
	open := func(id string, at time.Time, depts ...string) {
		var ops []model.CaseOpening
		for _, d := range depts {
			ops = append(ops, model.CaseOpening{Department: d, DepartmentName: d, Receivers: []string{"log"}, Lead: true})
		}
		if _, err := s.OpenCases(ctx, items[id], ops, at); err != nil {
			t.Fatal(err)
		}
	}
	open("f", weekStart.Add(-time.Minute), "housing") // last week: not counted
	open("a", weekStart.Add(9*time.Hour), "housing", "tongcheng")
	open("b", weekStart.Add(10*time.Hour), "housing")
	open("c", weekStart.Add(32*time.Hour), "ecology")
	open("d", weekEnd.Add(-time.Second), "education")
	return items
}

func testReportAggregates(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	reportWeek(t, s)
	all := model.StatsQuery{From: weekStart, To: weekEnd}
	eco := model.StatsQuery{From: weekStart, To: weekEnd, Topics: []string{"real_estate", "ecology"}}

	check := func(name string, got, want any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s =\n%+v\nwant\n%+v", name, got, want)
		}
	}
	tot, err := s.ReportTotals(ctx, all)
	check("totals", tot, model.ItemTotals{Items: 5, Negative: 3}, err)
	tot, err = s.ReportTotals(ctx, eco)
	check("totals of two topics", tot, model.ItemTotals{Items: 3, Negative: 2}, err)

	topics := model.StatsQuery{From: weekStart, To: weekEnd, Topics: []string{"real_estate", "ecology", "education", "rural"}}
	counts, err := s.ReportTopicCounts(ctx, topics)
	check("topic counts", counts, []model.TopicCount{
		{Topic: "real_estate", Items: 2, Negative: 1}, {Topic: "ecology", Items: 2, Negative: 1},
		{Topic: "education", Items: 1, Negative: 1}, {Topic: "rural"},
	}, err)
	day := model.StatsQuery{From: weekStart, To: weekStart.AddDate(0, 0, 1), Topics: []string{"real_estate", "ecology"}}
	counts, err = s.ReportTopicCounts(ctx, day)
	check("Monday's topic counts", counts, []model.TopicCount{
		{Topic: "real_estate", Items: 2, Negative: 1}, {Topic: "ecology", Items: 1},
	}, err)

	regions, err := s.ReportRegionCounts(ctx, all, []string{"通城县", "咸安区", "咸宁市", "嘉鱼县"})
	check("regions", regions, []model.RegionCount{{Region: "通城县", Items: 2}, {Region: "咸安区", Items: 2}, {Region: "咸宁市", Items: 1}, {Region: "嘉鱼县", Items: 0}}, err)
	regions, err = s.ReportRegionCounts(ctx, model.StatsQuery{From: weekStart, To: weekEnd, Topics: []string{"ecology"}}, []string{"通城县", "咸安区"})
	check("regions of ecology", regions, []model.RegionCount{{Region: "通城县", Items: 1}, {Region: "咸安区", Items: 1}}, err)

	tiers, err := s.ReportSeverityCounts(ctx, all)
	check("severity", tiers, []model.SeverityCount{
		{Severity: model.SeverityII, Cases: 1, Events: 1},
		{Severity: model.SeverityIII, Cases: 2, Events: 1}, // one story, two departments
		{Severity: model.SeverityIV, Cases: 1, Events: 1},
		{Severity: model.SeverityNone, Cases: 1, Events: 1},
	}, err)
	tiers, err = s.ReportSeverityCounts(ctx, model.StatsQuery{From: weekStart, To: weekEnd, Department: "housing"})
	check("severity of housing", tiers, []model.SeverityCount{
		{Severity: model.SeverityIII, Cases: 1, Events: 1}, {Severity: model.SeverityIV, Cases: 1, Events: 1},
	}, err)

	checkTitlesAndSources(t, s)
	if _, err := s.ReportTotals(ctx, model.StatsQuery{From: weekEnd, To: weekStart}); err == nil {
		t.Error("an empty period was counted")
	}
}

func checkTitlesAndSources(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	titles := func(q model.StatsQuery, limit int) []string {
		var out []string
		if err := s.ReportTitles(ctx, q, limit, func(title string) error { out = append(out, title); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	all := model.StatsQuery{From: weekStart, To: weekEnd}
	if got, want := titles(all, 100), []string{"标题a", "标题b", "标题c", "标题g", "标题d"}; !slices.Equal(got, want) {
		t.Errorf("titles = %v, want %v", got, want)
	}
	// A sample of two is spread over the week: not the two first items.
	if got, want := titles(all, 2), []string{"标题a", "标题c"}; !slices.Equal(got, want) {
		t.Errorf("sample of 2 = %v, want %v", got, want)
	}
	eco := model.StatsQuery{From: weekStart, To: weekEnd, Topics: []string{"ecology"}}
	if got, want := titles(eco, 100), []string{"标题b", "标题c"}; !slices.Equal(got, want) {
		t.Errorf("titles of ecology = %v, want %v", got, want)
	}
	stop := errors.New("stop")
	if err := s.ReportTitles(ctx, all, 100, func(string) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("ReportTitles did not return the callback's error: %v", err)
	}

	acts, err := s.ReportSourceActivity(ctx, weekStart, weekEnd)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range acts {
		got = append(got, fmt.Sprintf("%s:%d:%v:%d", a.SourceID, a.Items, a.LastItemAt.Equal(weekEnd.Add(-time.Second)), a.Health.ConsecutiveFailures))
	}
	want := []string{"hbgov:1:false:0", "quiet:0:false:3", "weibo:2:false:0", "xnnews:2:true:0"}
	if !slices.Equal(got, want) {
		t.Errorf("source activity = %v, want %v (xnnews's last item is d, not e of next week)", got, want)
	}
	if !acts[1].LastItemAt.IsZero() || acts[1].Name != "沉默的源" || !acts[1].Active {
		t.Errorf("quiet source = %+v", acts[1])
	}
}

func testReportArchive(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	token := "0123456789abcdef0123456789abcdef"
	pdf := []byte("%PDF-1.4\x00\xff binary")
	reps := []model.ArchivedReport{
		{Period: "2026-W48", Format: "html", Token: token, Title: "咸宁市舆情周报（2026年第48期）", Content: []byte("<h1>周报</h1>"), CreatedAt: t0},
		{Period: "2026-W48", Format: "pdf", Token: token, Title: "咸宁市舆情周报（2026年第48期）", Content: pdf, CreatedAt: t0},
		{Period: "2026-W48", Scope: "housing", Format: "html", Token: "ffffffffffffffffffffffffffffffff", Content: []byte("x"), CreatedAt: t0},
	}
	for _, r := range reps {
		if err := s.SaveReport(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.ReportByToken(ctx, token, "pdf")
	if err != nil {
		t.Fatal(err)
	}
	want := reps[1]
	want.Bytes = len(pdf)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReportByToken() =\n%+v\nwant\n%+v", got, want)
	}
	// Rebuilt: the new rendering replaces the old one, under a new token.
	again := reps[0]
	again.Token, again.Content = "abababababababababababababababab", []byte("<h1>新版</h1>")
	if err := s.SaveReport(ctx, again); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReportByToken(ctx, token, "html"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("old token still serves the replaced rendering: %v", err)
	}
	list, err := s.ListReports(ctx, 0)
	if err != nil || len(list) != 3 || list[0].Content != nil {
		t.Errorf("ListReports() = %d reports, %v; want 3 without content", len(list), err)
	}
	if err := s.SaveReport(ctx, model.ArchivedReport{Period: "2026-W48"}); err == nil {
		t.Error("a report without format and token was saved")
	}
	if err := s.SaveReport(ctx, model.ArchivedReport{Period: "2026-W48", Format: "docx", Token: "t", CreatedAt: t0}); err == nil {
		t.Error("a report in an unknown format was saved")
	}
}

func testReportRuns(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	lease := time.Hour
	if has, err := s.HasReportRuns(ctx); err != nil || has {
		t.Fatalf("HasReportRuns() on a new store = %v, %v", has, err)
	}
	claim := func(period, scope string, at time.Time) bool {
		t.Helper()
		ok, err := s.ClaimReportRun(ctx, period, scope, at, lease)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	steps := []struct {
		name string
		do   func() bool
		want bool
	}{
		{"first claim", func() bool { return claim("2026-W48", "", t0) }, true},
		{"claim held by another instance", func() bool { return claim("2026-W48", "", t0.Add(10*time.Minute)) }, false},
		{"another scope", func() bool { return claim("2026-W48", "housing", t0) }, true},
		{"abandoned claim after the lease", func() bool { return claim("2026-W48", "", t0.Add(lease)) }, true},
		{"done is never claimed again", func() bool {
			if err := s.FinishReportRun(ctx, "2026-W48", "", t0.Add(lease+time.Minute), false, ""); err != nil {
				t.Fatal(err)
			}
			return claim("2026-W48", "", t0.Add(30*24*time.Hour))
		}, false},
		{"failed is claimed again", func() bool {
			if err := s.FinishReportRun(ctx, "2026-W48", "housing", t0, true, "database is locked"); err != nil {
				t.Fatal(err)
			}
			return claim("2026-W48", "housing", t0.Add(time.Minute))
		}, true},
		{"skipped is never claimed", func() bool {
			if err := s.SkipReportRun(ctx, "2026-W47", "", t0); err != nil {
				t.Fatal(err)
			}
			return claim("2026-W47", "", t0.Add(lease*2))
		}, false},
		{"skip leaves a run alone", func() bool {
			if err := s.SkipReportRun(ctx, "2026-W48", "housing", t0); err != nil {
				t.Fatal(err)
			}
			return claim("2026-W48", "housing", t0.Add(2*time.Minute))
		}, false},
	}
	for _, st := range steps {
		if got := st.do(); got != st.want {
			t.Errorf("%s: claimed = %v, want %v", st.name, got, st.want)
		}
	}
	runs, err := s.ReportRuns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, r := range runs {
		states = append(states, r.Period+"/"+r.Scope+":"+r.State)
	}
	want := []string{"2026-W48/:done", "2026-W48/housing:running", "2026-W47/:skipped"}
	if !slices.Equal(states, want) {
		t.Errorf("runs = %v, want %v", states, want)
	}
	if has, err := s.HasReportRuns(ctx); err != nil || !has {
		t.Errorf("HasReportRuns() = %v, %v; want true", has, err)
	}
}
