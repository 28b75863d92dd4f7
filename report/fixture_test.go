package report

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// fixture is testdata/week.json: items, cases, sources, stories and the
// ledger's timeliness of a week of 咸宁市 and the weeks before.
type fixture struct {
	Items []struct {
		At       string   `json:"at"`
		Source   string   `json:"source"`
		Title    string   `json:"title"`
		Topics   []string `json:"topics"`
		Regions  []string `json:"regions"`
		Negative bool     `json:"negative"`
	} `json:"items"`
	Cases []struct {
		Opened     string         `json:"opened"`
		Department string         `json:"department"`
		Severity   model.Severity `json:"severity"`
		Story      string         `json:"story"`
	} `json:"cases"`
	Sources []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Active      bool   `json:"active"`
		Failures    int    `json:"failures"`
		LastError   string `json:"last_error"`
		LastErrorAt string `json:"last_error_at"`
		LastItem    string `json:"last_item"`
	} `json:"sources"`
	Stories []struct {
		model.StorySummary
		FirstSeen string `json:"first_seen"`
	} `json:"stories"`
	Timeliness []model.Timeliness `json:"timeliness"`
}

// memSource answers the builder's queries from the fixture, the way the
// store does from its tables; the store's own answers are checked by its
// conformance suite.
type memSource struct {
	f   fixture
	loc *time.Location
	// unavailable makes TopicStories and Timeliness fail as a store
	// without stories or a case ledger would.
	unavailable bool
}

func loadFixture(t testing.TB) *memSource {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "week.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("decode fixture: %v", err)
	}
	return &memSource{f: f, loc: Shanghai()}
}

func (m *memSource) at(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, m.loc)
	if err != nil {
		panic(err)
	}
	return t
}

func inPeriod(t, from, to time.Time) bool { return !t.Before(from) && t.Before(to) }

func hasAny(have, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

func (m *memSource) ReportTotals(_ context.Context, q model.StatsQuery) (model.ItemTotals, error) {
	var t model.ItemTotals
	for _, it := range m.f.Items {
		if inPeriod(m.at(it.At), q.From, q.To) && hasAny(it.Topics, q.Topics) {
			t.Items++
			if it.Negative {
				t.Negative++
			}
		}
	}
	return t, nil
}

func (m *memSource) ReportTopicCounts(_ context.Context, q model.StatsQuery) ([]model.TopicCount, error) {
	out := make([]model.TopicCount, len(q.Topics))
	for i, topic := range q.Topics {
		out[i].Topic = topic
		for _, it := range m.f.Items {
			if inPeriod(m.at(it.At), q.From, q.To) && slices.Contains(it.Topics, topic) {
				out[i].Items++
				if it.Negative {
					out[i].Negative++
				}
			}
		}
	}
	return out, nil
}

func (m *memSource) ReportRegionCounts(_ context.Context, q model.StatsQuery, regions []string) ([]model.RegionCount, error) {
	out := make([]model.RegionCount, len(regions))
	for i, r := range regions {
		out[i].Region = r
		for _, it := range m.f.Items {
			if inPeriod(m.at(it.At), q.From, q.To) && hasAny(it.Topics, q.Topics) && slices.Contains(it.Regions, r) {
				out[i].Items++
			}
		}
	}
	return out, nil
}

func (m *memSource) ReportSeverityCounts(_ context.Context, q model.StatsQuery) ([]model.SeverityCount, error) {
	cases := map[model.Severity]int{}
	events := map[model.Severity]map[string]bool{}
	for i, c := range m.f.Cases {
		if !inPeriod(m.at(c.Opened), q.From, q.To) || (q.Department != "" && c.Department != q.Department) {
			continue
		}
		cases[c.Severity]++
		if events[c.Severity] == nil {
			events[c.Severity] = map[string]bool{}
		}
		events[c.Severity][cmp.Or(c.Story, fmt.Sprint("case-", i))] = true
	}
	var out []model.SeverityCount
	for s, n := range cases {
		out = append(out, model.SeverityCount{Severity: s, Cases: n, Events: len(events[s])})
	}
	slices.SortFunc(out, func(a, b model.SeverityCount) int { return cmp.Compare(a.Severity, b.Severity) })
	return out, nil
}

func (m *memSource) ReportSourceActivity(_ context.Context, from, to time.Time) ([]model.SourceActivity, error) {
	var out []model.SourceActivity
	for _, s := range m.f.Sources {
		a := model.SourceActivity{SourceID: s.ID, Name: s.Name, Active: s.Active, LastItemAt: m.at(s.LastItem),
			Health: model.SourceHealth{SourceID: s.ID, ConsecutiveFailures: s.Failures, LastError: s.LastError, LastErrorAt: m.at(s.LastErrorAt)}}
		for _, it := range m.f.Items {
			at := m.at(it.At)
			if it.Source != s.ID || !at.Before(to) {
				continue
			}
			if !at.Before(from) {
				a.Items++
			}
			if at.After(a.LastItemAt) {
				a.LastItemAt = at
			}
		}
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b model.SourceActivity) int { return cmp.Compare(a.SourceID, b.SourceID) })
	return out, nil
}

func (m *memSource) ReportTitles(_ context.Context, q model.StatsQuery, limit int, fn func(string) error) error {
	n := 0
	for _, it := range m.f.Items {
		if n < limit && inPeriod(m.at(it.At), q.From, q.To) && hasAny(it.Topics, q.Topics) {
			n++
			if err := fn(it.Title); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *memSource) TopicStories(_ context.Context, topic string, from, to time.Time, limit int) ([]model.StorySummary, error) {
	if m.unavailable {
		return nil, Unavailable("事件聚合尚未启用")
	}
	var out []model.StorySummary
	for _, s := range m.f.Stories {
		st := s.StorySummary
		st.FirstSeen = m.at(s.FirstSeen).UTC()
		if slices.Contains(st.Topics, topic) && inPeriod(st.FirstSeen, from, to) {
			out = append(out, st)
		}
	}
	slices.SortStableFunc(out, func(a, b model.StorySummary) int {
		return cmp.Or(cmp.Compare(b.Sources, a.Sources), cmp.Compare(b.Articles, a.Articles))
	})
	return out[:min(limit, len(out))], nil
}

func (m *memSource) Timeliness(_ context.Context, from, to time.Time) ([]model.Timeliness, error) {
	if m.unavailable {
		return nil, Unavailable("案件台账尚未启用")
	}
	return slices.Clone(m.f.Timeliness), nil
}

// wordSegmenter cuts text greedily into the longest words of a small
// dictionary, one character at a time elsewhere: enough to count words
// in the fixture's titles without loading gse's dictionary.
type wordSegmenter struct{ words map[string]bool }

func newWordSegmenter(words ...string) wordSegmenter {
	s := wordSegmenter{words: map[string]bool{}}
	for _, w := range words {
		s.words[w] = true
	}
	return s
}

func (s wordSegmenter) Words(text string) []string {
	var out []string
	for _, field := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" ：？，。、", r) }) {
		for len(field) > 0 {
			n := utf8.RuneCountInString(field)
			taken := ""
			for k := min(n, 6); k >= 2 && taken == ""; k-- {
				if prefix := string([]rune(field)[:k]); s.words[prefix] {
					taken = prefix
				}
			}
			if taken == "" {
				_, size := utf8.DecodeRuneInString(field)
				taken = field[:size]
			}
			out = append(out, taken)
			field = field[len(taken):]
		}
	}
	return out
}

var testSegmenter = newWordSegmenter("烂尾", "楼盘", "业主", "交房", "淦河", "偷排", "食堂", "通山", "通城", "桂花",
	"咸安", "咸宁市", "房地产", "市场", "安全生产", "教育", "招生", "学区", "小区", "开发商", "化工厂", "村民", "立案",
	"非法集资", "一网通办", "乡村振兴", "雷竹", "油茶", "湿地", "公园", "咸宁", "工地", "坍塌")

// testTopics, testPlaces and testDepartments are the configuration the
// golden files are built with.
var (
	testTopics = []config.Topic{
		{ID: "tax_fee_cuts", Name: "减税降费", Departments: []string{"tax"}},
		{ID: "financial_risk", Name: "金融安全", Departments: []string{"finance_office"}},
		{ID: "ecology", Name: "生态环境", Departments: []string{"ecology"}},
		{ID: "education", Name: "教育", Departments: []string{"education"}},
		{ID: "food_drug", Name: "食品药品", Departments: []string{"market"}},
		{ID: "elderly_care", Name: "养老服务", Departments: []string{"civil"}},
		{ID: "real_estate", Name: "房地产市场", Departments: []string{"housing"}},
		{ID: "work_safety", Name: "安全生产", Departments: []string{"emergency"}},
		{ID: "business_services", Name: "办事创业堵点痛点", Departments: []string{"office"}},
		{ID: "employment", Name: "就业创业", Departments: []string{"hrss"}},
		{ID: "rural", Name: "乡村振兴", Departments: []string{"rural"}},
	}
	testPlaces = []config.Place{
		{Name: "咸宁市", Level: config.PlaceCity},
		{Name: "咸安区", Level: config.PlaceCounty, Parent: "咸宁市"},
		{Name: "嘉鱼县", Level: config.PlaceCounty, Parent: "咸宁市"},
		{Name: "通城县", Level: config.PlaceCounty, Parent: "咸宁市"},
		{Name: "崇阳县", Level: config.PlaceCounty, Parent: "咸宁市"},
		{Name: "通山县", Level: config.PlaceCounty, Parent: "咸宁市"},
		{Name: "赤壁市", Level: config.PlaceCounty, Parent: "咸宁市"},
		{Name: "咸宁高新区", Level: config.PlaceCounty, Parent: "咸宁市"},
		{Name: "温泉街道", Level: config.PlaceTown, Parent: "咸安区"},
		{Name: "浮山街道", Level: config.PlaceTown, Parent: "咸安区"},
	}
	testDepartments = []config.Department{
		{Code: "office", Name: "市政务服务和大数据管理局"},
		{Code: "housing", Name: "市住房和城乡建设局"},
		{Code: "ecology", Name: "市生态环境局"},
		{Code: "education", Name: "市教育局"},
		{Code: "market", Name: "市市场监督管理局"},
		{Code: "emergency", Name: "市应急管理局"},
		{Code: "finance_office", Name: "市地方金融工作局"},
	}
	// testNow is when the report is built: Monday 08:00 after the week.
	testNow = time.Date(2026, 11, 30, 8, 0, 0, 0, Shanghai())
)

func testBuilder(t testing.TB, src Source) *Builder {
	t.Helper()
	b, err := NewBuilder(Options{
		Source: src, Segmenter: testSegmenter, Topics: testTopics, Places: testPlaces, Departments: testDepartments,
		Area: "咸宁市", Issuer: "咸宁市政务服务和大数据管理局", Now: func() time.Time { return testNow },
		TopStories: 3, EmergingWords: 10,
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func buildFixture(t testing.TB, src Source, dept string) *Data {
	t.Helper()
	w, err := ParseWeek("2026-W48", nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := testBuilder(t, src).Build(context.Background(), Request{Week: w, Department: dept})
	if err != nil {
		t.Fatal(err)
	}
	return d
}
