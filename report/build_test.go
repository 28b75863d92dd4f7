package report

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

func TestBuildCityWide(t *testing.T) {
	d := buildFixture(t, loadFixture(t), "")
	h := d.Headline
	// 26 items in 2026-W48, 13 negative; 7 in W47.
	if h.Items != 26 || h.PrevItems != 7 || h.Negative != 13 {
		t.Errorf("headline items = %d (prev %d, negative %d), want 26 (7, 13)", h.Items, h.PrevItems, h.Negative)
	}
	if h.Change == nil || *h.Change < 2.714 || *h.Change > 2.715 {
		t.Errorf("headline change = %v, want (26-7)/7", h.Change)
	}
	if d.Period.Week != "2026-W48" || !d.Period.From.Equal(time.Date(2026, 11, 23, 0, 0, 0, 0, Shanghai())) {
		t.Errorf("period = %+v", d.Period)
	}
	if d.Title != "咸宁市舆情周报" || !d.GeneratedAt.Equal(testNow) {
		t.Errorf("title %q generated %s", d.Title, d.GeneratedAt)
	}

	var order []string
	for _, a := range d.Areas {
		order = append(order, a.Topic)
	}
	wantOrder := []string{"real_estate", "ecology", "education", "work_safety", "food_drug", "rural",
		"business_services", "tax_fee_cuts", "financial_risk", "elderly_care", "employment"}
	if !slices.Equal(order, wantOrder) {
		t.Errorf("areas in order %v, want %v (busiest first, taxonomy order among equals)", order, wantOrder)
	}
	re := d.Areas[0]
	if re.Items != 7 || re.PrevItems != 1 || re.Negative != 5 || len(re.Daily) != 7 {
		t.Errorf("real_estate = %+v", re)
	}
	var sum int64
	for _, day := range re.Daily {
		sum += day.Items
	}
	if sum != re.Items || re.Daily[0].Date != "2026-11-23" || re.Daily[0].Items != 3 || re.Daily[6].Items != 1 {
		t.Errorf("real_estate days = %+v, want 3 on Monday, 1 on Sunday, summing to the week", re.Daily)
	}
	if h.ActiveAreas != 10 {
		t.Errorf("active areas = %d, want 10 (employment had items only last week)", h.ActiveAreas)
	}
	if got := d.Areas[len(d.Areas)-1]; got.Change == nil || *got.Change != -1 {
		t.Errorf("employment change = %v, want -100%%", got.Change)
	}
	if len(re.Stories) != 3 || re.Stories[0].StoryID != "s-tc-lanwei" || re.Stories[1].StoryID != "s-policy" {
		t.Errorf("real_estate stories = %+v, want the 3 of the week by sources (s-old was last week)", re.Stories)
	}
	checkCityPlacesAndTiers(t, d)
	checkCityTimeliness(t, d)
	checkCityOthers(t, d)
}

func checkCityPlacesAndTiers(t *testing.T, d *Data) {
	t.Helper()
	var places []string
	for _, p := range d.Places {
		places = append(places, p.Name)
	}
	// City first, counties busiest first, then the one town mentioned.
	want := []string{"咸宁市", "咸安区", "通城县", "通山县", "嘉鱼县", "崇阳县", "赤壁市", "咸宁高新区", "温泉街道"}
	if !slices.Equal(places, want) {
		t.Errorf("places = %v, want %v", places, want)
	}
	if d.Places[1].Items != 6 || d.Places[1].Share != 6.0/26 {
		t.Errorf("咸安区 = %+v, want 6 items of 26", d.Places[1])
	}
	wantTiers := []Tier{
		{Severity: model.SeverityI, Name: "特别重大", Color: "红"},
		{Severity: model.SeverityII, Name: "重大", Color: "橙", Cases: 4, Events: 2},
		{Severity: model.SeverityIII, Name: "较大", Color: "黄", Cases: 3, Events: 2},
		{Severity: model.SeverityIV, Name: "一般", Color: "蓝", Cases: 3, Events: 3},
		{Severity: model.SeverityNone, Name: "未评估", Cases: 1, Events: 1},
	}
	if !slices.Equal(d.Severity, wantTiers) {
		t.Errorf("tiers =\n%+v\nwant\n%+v", d.Severity, wantTiers)
	}
	if h := d.Headline; h.Cases != 11 || h.Events != 8 || h.Major != 2 {
		t.Errorf("cases %d events %d major %d, want 11, 8, 2 (last week's case left out)", h.Cases, h.Events, h.Major)
	}
}

func checkCityTimeliness(t *testing.T, d *Data) {
	t.Helper()
	tl := d.Timeliness
	if len(tl.Departments) != 4 || tl.Departments[0].Department != "education" || tl.Departments[1].Department != "housing" {
		t.Fatalf("timeliness rows = %+v, want most cases first, then by code", tl.Departments)
	}
	office := tl.Departments[3]
	if office.DepartmentName != "市政务服务和大数据管理局" || office.OnTimeRate != nil {
		t.Errorf("office row = %+v: want its name from the configuration and no rate (its one case was a false alarm)", office)
	}
	total := tl.Total
	if total.Cases != 6 || total.OnTime != 3 || total.Responded != 4 || total.FalseAlarms != 1 {
		t.Errorf("total = %+v", total.Timeliness)
	}
	if *total.OnTimeRate != 0.6 || *total.ResponseRate != 0.8 {
		t.Errorf("total rates = %v, %v; want 3/5 and 4/5", *total.OnTimeRate, *total.ResponseRate)
	}
	// Weighted by the cases signed: (2·45m + 1·10m + 2·60m) / 5.
	if total.MeanTimeToSign != 44*time.Minute {
		t.Errorf("mean time to sign = %s, want 44m", total.MeanTimeToSign)
	}
	if d.Headline.OnTimeRate != total.OnTimeRate || d.Headline.Overdue != 2 {
		t.Errorf("headline rates not the total's")
	}
}

func checkCityOthers(t *testing.T, d *Data) {
	t.Helper()
	var silent []string
	for _, s := range d.Silent {
		silent = append(silent, s.Source+": "+s.Reason)
	}
	want := []string{"tieba: 本周收到4条；抓取连续失败4次", "xnrb: 本周无新信息，最近一条为2026年11月12日"}
	if !slices.Equal(silent, want) {
		t.Errorf("silent sources = %q, want %q (an inactive source is not listed)", silent, want)
	}
	if len(d.Emerging.Words) == 0 || d.Emerging.Words[0].Word != "烂尾" || !d.Emerging.Words[0].New {
		t.Errorf("emerging words = %+v, want 烂尾 first and new", d.Emerging.Words)
	}
	if d.Emerging.Titles != 26 || d.Emerging.BaselineTitles != 11 || d.Emerging.Sampled {
		t.Errorf("emerging titles = %d / %d sampled=%v, want 26 / 11 unsampled", d.Emerging.Titles, d.Emerging.BaselineTitles, d.Emerging.Sampled)
	}
	if len(d.Notes) != 0 {
		t.Errorf("notes = %q, want none", d.Notes)
	}
}

func TestBuildDepartment(t *testing.T) {
	d := buildFixture(t, loadFixture(t), "housing")
	if d.Scope.Name != "市住房和城乡建设局" || !slices.Equal(d.Scope.Topics, []string{"real_estate"}) {
		t.Fatalf("scope = %+v", d.Scope)
	}
	if len(d.Areas) != 1 || d.Areas[0].Topic != "real_estate" {
		t.Errorf("areas = %+v, want real_estate only", d.Areas)
	}
	if h := d.Headline; h.Items != 7 || h.PrevItems != 1 || h.Negative != 5 || h.Cases != 2 {
		t.Errorf("headline = %+v, want 7 items (1 last week), 5 negative, housing's 2 cases", h)
	}
	if len(d.Timeliness.Departments) != 1 || d.Timeliness.Departments[0].Department != "housing" {
		t.Errorf("timeliness = %+v, want housing's row only", d.Timeliness.Departments)
	}
	if len(d.Silent) != 0 {
		t.Errorf("a department's report lists silent sources: %+v", d.Silent)
	}
	for _, p := range d.Places {
		if p.Name == "赤壁市" && p.Items != 0 {
			t.Errorf("赤壁市 counted %d real-estate items, want 0", p.Items)
		}
	}
	if _, err := testBuilder(t, loadFixture(t)).Build(context.Background(), Request{Week: d.Period.weekOf(t), Department: "nobody"}); err == nil {
		t.Error("a report for an undefined department was built")
	}
}

func (p Period) weekOf(t *testing.T) Week {
	w, err := ParseWeek(p.Week, p.From.Location())
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestBuildNotesWhatIsUnavailable(t *testing.T) {
	src := loadFixture(t)
	src.unavailable = true
	b, err := NewBuilder(Options{Source: src, Topics: testTopics, Places: testPlaces, Area: "咸宁市"})
	if err != nil {
		t.Fatal(err)
	}
	w, _ := ParseWeek("2026-W48", nil)
	d, err := b.Build(context.Background(), Request{Week: w})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"未分析新出现热词：未加载分词词典", "未列出重点事件：事件聚合尚未启用", "未统计回应时效：案件台账尚未启用"}
	if !slices.Equal(d.Notes, want) {
		t.Errorf("notes = %q, want %q", d.Notes, want)
	}
	if d.Headline.OnTimeRate != nil || len(d.Timeliness.Departments) != 0 || len(d.Areas[0].Stories) != 0 {
		t.Errorf("unavailable parts were filled: %+v", d.Timeliness)
	}
}

// failingSource fails one query, as a broken database would.
type failingSource struct {
	*memSource
	err error
}

func (f failingSource) ReportRegionCounts(context.Context, model.StatsQuery, []string) ([]model.RegionCount, error) {
	return nil, f.err
}

func TestBuildFailsOnSourceErrors(t *testing.T) {
	boom := errors.New("database is locked")
	b := testBuilder(t, failingSource{loadFixture(t), boom})
	w, _ := ParseWeek("2026-W48", nil)
	_, err := b.Build(context.Background(), Request{Week: w})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "report: count places") {
		t.Errorf("Build() error = %v, want the source's error wrapped", err)
	}
	if _, err := NewBuilder(Options{}); err == nil {
		t.Error("NewBuilder without a source succeeded")
	}
}
