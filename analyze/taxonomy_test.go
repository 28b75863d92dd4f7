package analyze

import (
	"reflect"
	"strings"
	"testing"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

func testTaxonomy(t *testing.T) *Taxonomy {
	t.Helper()
	tx := config.Taxonomy{Topics: []config.Topic{
		{ID: "real_estate", Name: "房地产市场", Departments: []string{"housing"},
			Terms: map[string]float64{"房价": 2, "业主": 1, "开发商": 0.5, "物业": 0.8, "P2P": 1}},
		{ID: "education", Name: "教育", Departments: []string{"education"},
			Terms: map[string]float64{"学校": 1, "学生": 0.5, "家长": 0.5, "学区房": 1}},
		{ID: "housing_plus", Name: "学区", Departments: []string{"housing"},
			Terms: map[string]float64{"学区房": 1}},
		{ID: "safety", Name: "安全生产", Threshold: 3,
			Terms: map[string]float64{"事故": 1, "爆炸": 1.5}},
		{ID: "thirds", Name: "三分",
			Terms: map[string]float64{"甲": 0.333, "乙": 0.333, "丙": 0.333}},
	}}
	tax, err := CompileTaxonomy(tx)
	if err != nil {
		t.Fatal(err)
	}
	return tax
}

func TestTaxonomyMatch(t *testing.T) {
	tax := testTaxonomy(t)
	tests := []struct {
		name        string
		title, body []string
		want        []model.TopicMatch
	}{
		{
			name: "whole word matches",
			body: []string{"今年", "房价", "上涨"},
			want: []model.TopicMatch{{ID: "real_estate", Name: "房地产市场", Score: 2, Terms: []string{"房价"}}},
		},
		{
			name: "a term inside a longer word does not match",
			body: []string{"住房价格", "上涨", "开发商品"},
			want: []model.TopicMatch{},
		},
		{
			name:  "title counts one and a half times",
			title: []string{"物业", "纠纷"},
			want:  []model.TopicMatch{{ID: "real_estate", Name: "房地产市场", Score: 1.2, Terms: []string{"物业"}}},
		},
		{
			name: "below the threshold in the body",
			body: []string{"物业", "纠纷"},
			want: []model.TopicMatch{},
		},
		{
			name:  "an ambiguous word needs support even in the title",
			title: []string{"学生", "比赛"},
			want:  []model.TopicMatch{},
		},
		{
			name: "two ambiguous words support each other",
			body: []string{"学生", "家长"},
			want: []model.TopicMatch{{ID: "education", Name: "教育", Score: 1, Terms: []string{"学生", "家长"}}},
		},
		{
			name: "a repeated term counts once",
			body: []string{"物业", "物业", "物业", "物业"},
			want: []model.TopicMatch{},
		},
		{
			name:  "a term in title and body counts once, boosted, listed in title order",
			title: []string{"业主", "维权"},
			body:  []string{"房价", "业主", "开发商", "房价"},
			want:  []model.TopicMatch{{ID: "real_estate", Name: "房地产市场", Score: 4, Terms: []string{"业主", "房价", "开发商"}}},
		},
		{
			name: "custom threshold",
			body: []string{"事故", "爆炸"},
			want: []model.TopicMatch{},
		},
		{
			name:  "custom threshold reached",
			title: []string{"爆炸", "事故"},
			want:  []model.TopicMatch{{ID: "safety", Name: "安全生产", Score: 3.75, Terms: []string{"爆炸", "事故"}}},
		},
		{
			name: "one word for two topics; sorted by score then id",
			body: []string{"学区房", "学校"},
			want: []model.TopicMatch{
				{ID: "education", Name: "教育", Score: 2, Terms: []string{"学区房", "学校"}},
				{ID: "housing_plus", Name: "学区", Score: 1, Terms: []string{"学区房"}},
			},
		},
		{
			name: "equal scores sort by id",
			body: []string{"学区房", "业主"},
			want: []model.TopicMatch{
				{ID: "education", Name: "教育", Score: 1, Terms: []string{"学区房"}},
				{ID: "housing_plus", Name: "学区", Score: 1, Terms: []string{"学区房"}},
				{ID: "real_estate", Name: "房地产市场", Score: 1, Terms: []string{"业主"}},
			},
		},
		{
			name: "score is rounded before the threshold is applied",
			body: []string{"甲", "乙", "丙"},
			want: []model.TopicMatch{{ID: "thirds", Name: "三分", Score: 1, Terms: []string{"甲", "乙", "丙"}}},
		},
		{
			name: "terms are lower-cased like words",
			body: []string{"p2p"},
			want: []model.TopicMatch{{ID: "real_estate", Name: "房地产市场", Score: 1, Terms: []string{"p2p"}}},
		},
		{
			name: "nothing",
			want: []model.TopicMatch{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tax.Match(Text{Title: tt.title, Body: tt.body})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Match() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestTaxonomyAccessors(t *testing.T) {
	tax := testTaxonomy(t)
	if got, want := tax.TopicIDs(), []string{"real_estate", "education", "housing_plus", "safety", "thirds"}; !reflect.DeepEqual(got, want) {
		t.Errorf("TopicIDs() = %v, want %v", got, want)
	}
	if got, want := tax.Departments("real_estate"), []string{"housing"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Departments(real_estate) = %v, want %v", got, want)
	}
	if got := tax.Departments("nope"); got != nil {
		t.Errorf("Departments(nope) = %v, want nil", got)
	}
	terms := tax.Terms()
	for _, want := range []string{"p2p", "房价", "学区房", "甲"} {
		if !contains(terms, want) {
			t.Errorf("Terms() lacks %q: %v", want, terms)
		}
	}
	if n := len(terms); n != 14 {
		t.Errorf("Terms() has %d terms, want 14 distinct: %v", n, terms)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCompileTaxonomyErrors(t *testing.T) {
	pos := config.Pos{File: "topics.yaml", Line: 7}
	tx := config.Taxonomy{Topics: []config.Topic{
		{ID: "ok", Name: "好", Terms: map[string]float64{"好": 1}},
		{ID: "spaces", Name: "空格", Pos: pos, Terms: map[string]float64{"两 个词": 1}},
		{ID: "ok", Name: "重复", Pos: config.Pos{File: "topics.yaml", Line: 12}, Terms: map[string]float64{"词": 1}},
		{ID: "weights", Name: "权重", Pos: pos, Terms: map[string]float64{"零": 0, "负": -1}},
		{ID: "empty", Name: "空", Pos: pos},
		{ID: "punct", Name: "标点", Pos: pos, Terms: map[string]float64{"，。": 1}},
		{ID: "same", Name: "同词", Pos: pos, Terms: map[string]float64{"P2P": 1, "p2p": 2}},
		{ID: "threshold", Name: "阈值", Pos: pos, Threshold: -1, Terms: map[string]float64{"词": 1}},
	}}
	_, err := CompileTaxonomy(tx)
	if err == nil {
		t.Fatal("CompileTaxonomy accepted a broken taxonomy")
	}
	for _, want := range []string{
		`topics.yaml:7: topic "spaces": term "两 个词" must be one word`,
		`topics.yaml:12: topic "ok": id is used twice`,
		`topics.yaml:7: topic "weights": term "负" needs a positive weight`,
		`topics.yaml:7: topic "weights": term "零" needs a positive weight`,
		`topics.yaml:7: topic "empty": has no terms`,
		`topics.yaml:7: topic "punct": term "，。" has no letter or digit`,
		`topics.yaml:7: topic "same": terms "P2P" and "p2p" are the same word`,
		`topics.yaml:7: topic "threshold": threshold -1 must be a positive number`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if !strings.HasPrefix(err.Error(), "analyze: compile taxonomy: ") {
		t.Errorf("error is not prefixed: %v", err)
	}
}

func TestCompileTaxonomyDefaultThreshold(t *testing.T) {
	tax, err := CompileTaxonomy(config.Taxonomy{Topics: []config.Topic{
		{ID: "t", Name: "T", Terms: map[string]float64{"甲": 0.9, "乙": 0.1}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got := tax.Match(Text{Body: []string{"甲"}}); len(got) != 0 {
		t.Errorf("0.9 reached the default threshold of 1: %v", got)
	}
	if got := tax.Match(Text{Body: []string{"甲", "乙"}}); len(got) != 1 {
		t.Errorf("1.0 did not reach the default threshold of 1: %v", got)
	}
}
