package analyze

import (
	"reflect"
	"strings"
	"testing"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

func TestAnalyze(t *testing.T) {
	a := newTestAnalyzer(t)
	tests := []struct {
		name        string
		item        model.Item
		topics      []string
		regions     []string
		departments []string
	}{
		{
			name:        "departments are the union of the topics' departments, in topic order",
			item:        model.Item{Title: "通城县隽水镇楼盘工地爆炸事故", Content: "业主担心房价下跌。"},
			topics:      []string{"real_estate", "work_safety"},
			regions:     []string{"隽水镇", "通城县"},
			departments: []string{"housing", "emergency"},
		},
		{
			name:        "the lead department follows the strongest topic",
			item:        model.Item{Title: "化工厂爆炸事故", Content: "附近业主投诉物业"},
			topics:      []string{"work_safety", "real_estate"},
			departments: []string{"emergency", "housing"},
		},
		{
			name:        "one word in the body is a passing mention",
			item:        model.Item{Title: "化工厂爆炸事故", Content: "附近业主投诉"},
			topics:      []string{"work_safety"},
			departments: []string{"emergency", "housing"},
		},
		{
			name:    "no topic",
			item:    model.Item{Title: "咸宁住房价格上涨"},
			topics:  []string{},
			regions: []string{"咸宁市"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an := a.Analyze(tt.item)
			if got := an.TopicIDs(); !reflect.DeepEqual(got, tt.topics) {
				t.Errorf("topics = %v, want %v", got, tt.topics)
			}
			if !reflect.DeepEqual(an.Regions, tt.regions) {
				t.Errorf("regions = %v, want %v", an.Regions, tt.regions)
			}
			if !reflect.DeepEqual(an.Departments, tt.departments) {
				t.Errorf("departments = %v, want %v", an.Departments, tt.departments)
			}
			if an.StoryID != "" {
				t.Errorf("an item analyzed on its own has a story: %+v", an)
			}
		})
	}
}

func TestAnalyzeWithoutTaxonomyOrPlaces(t *testing.T) {
	a := New(Options{Segmenter: tinySegmenter(t)})
	an := a.Analyze(model.Item{Title: "咸宁房价"})
	if an.Topics == nil || len(an.Topics) != 0 || an.Regions != nil || an.Departments != nil ||
		an.Negativity != 0 || an.Sentiment != "" || an.Severity != model.SeverityNone || len(an.Reasons) != 0 {
		t.Errorf("Analyze() = %+v, want empty topics and nothing else", an)
	}
	if a.TopicIDs() != nil {
		t.Errorf("TopicIDs() = %v, want nil", a.TopicIDs())
	}
}

func TestNewWithoutSegmenterPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New without a Segmenter did not panic")
		}
	}()
	New(Options{})
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name   string
		change func(*BuildOptions)
		want   string
	}{
		{"taxonomy", func(o *BuildOptions) { o.Taxonomy.Topics[0].Terms = nil }, "analyze: compile taxonomy"},
		{"places", func(o *BuildOptions) { o.Places.Places[1].Parent = "无此市" }, "analyze: compile places"},
		{"dictionary", func(o *BuildOptions) { o.Dictionary = []byte("词 不是数\n") }, "analyze: read dictionary testdata/dict.txt:1"},
		{"negativity", func(o *BuildOptions) { o.Negativity.Negative["x"] = map[string]float64{"坏": -1} }, "analyze: compile negativity"},
		{"severity", func(o *BuildOptions) { o.Severity.Rules[0].When = "wounded > 1" }, "analyze: compile severity"},
		{"mode", func(o *BuildOptions) { o.Mode = "slow" }, "segmentation mode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions(t)
			tt.change(&opts)
			_, err := Build(opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Build() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

// The places of a gazetteer reach the segmenter, so that they are cut whole
// even where gse's dictionary would split them.
func TestBuildAddsTermsAndNamesToSegmenter(t *testing.T) {
	opts := testOptions(t)
	opts.Places.Places = append(opts.Places.Places, config.Place{Name: "汀泗桥镇", Level: config.PlaceTown, Parent: "通城县"})
	a, err := Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	got := append(a.seg.Words("汀泗桥镇河长制"), a.seg.Words("开发商")...)
	want := []string{"汀泗桥镇", "河长制", "开发商"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Words() = %q, want %q", got, want)
	}
}
