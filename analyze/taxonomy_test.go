package analyze

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// ruleTaxonomy exercises every part of the taxonomy language.
const ruleTaxonomy = `
version: 2
defaults: {threshold: 1, title_boost: 1.5, secondary_ratio: 0.5, max_topics: 2, body_min_evidence: 2}
exclude:
  - {name: 体育, match: "any(比赛, 球员)", keep_score: 4}
topics:
  - id: food
    name: 食品
    departments: [market]
    terms: {食品: 1, 过期: 1}
    rules:
      - {name: 食堂食品问题, match: "all(食堂, any(过期, 发霉))", weight: 2}
  - id: school
    name: 教育
    departments: [education]
    terms: {学校: 1, 学生: 0.5, 家长: 0.5, "*大学": 1}
    exclude: "any(网游)"
  - id: noise
    name: 噪声
    departments: [ecology]
    terms: {噪音: 1, 扰民: 1}
    require: "any(夜市, 工地)"
  - id: safety
    name: 安全
    departments: [emergency, housing]
    threshold: 3
    terms: {爆炸: 2, 事故: 1}
  - id: tax
    name: 税
    departments: [tax]
    terms: {减税: 2, 纳税人: 1}
`

func ruleAnalyzer(t *testing.T) *Analyzer {
	t.Helper()
	tax, err := config.ParseTaxonomy([]byte(ruleTaxonomy), "rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	opts := testOptions(t)
	opts.Taxonomy = tax
	a, err := Build(opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestTaxonomyRules(t *testing.T) {
	a := ruleAnalyzer(t)
	tests := []struct {
		name          string
		title, body   string
		want          []model.TopicMatch
		rejected, why string // a topic turned down and a part of its reason
	}{
		{name: "a term in the title counts one and a half times", title: "学校",
			want: []model.TopicMatch{{ID: "school", Name: "教育", Score: 1.5, Terms: []string{"学校"}}}},
		{name: "a single term in the body is a passing mention", body: "学校",
			want: []model.TopicMatch{}, rejected: "school", why: "passing mention"},
		{name: "two terms in the body are evidence", body: "学校，家长",
			want: []model.TopicMatch{{ID: "school", Name: "教育", Score: 1.5, Terms: []string{"学校", "家长"}}}},
		{name: "a term inside a longer word does not count", title: "学校长", body: "",
			want: []model.TopicMatch{}},
		{name: "a rule alone in the body is one piece of evidence", body: "食堂的饭菜发霉了",
			want: []model.TopicMatch{}, rejected: "food", why: "passing mention"},
		{name: "all/any rule adds its weight and names its words", body: "食堂的饭菜发霉了，食品",
			want: []model.TopicMatch{{ID: "food", Name: "食品", Score: 3, Terms: []string{"食品", "食堂", "发霉"}}}},
		{name: "rule and term together, the rule holding on the title is boosted", title: "食堂过期",
			want: []model.TopicMatch{{ID: "food", Name: "食品", Score: 4.5, Terms: []string{"过期", "食堂"}}}},
		{name: "the rule needs all its parts", title: "食堂",
			want: []model.TopicMatch{}},
		{name: "a topic's exclude vetoes it", title: "学校禁止网游",
			want: []model.TopicMatch{}, rejected: "school", why: "excluded by any(网游)"},
		{name: "require: context must be present", title: "噪音",
			want: []model.TopicMatch{}, rejected: "noise", why: "required context missing"},
		{name: "require satisfied", title: "夜市噪音",
			want: []model.TopicMatch{{ID: "noise", Name: "噪声", Score: 1.5, Terms: []string{"噪音"}}}},
		{name: "own threshold", title: "事故",
			want: []model.TopicMatch{}, rejected: "safety", why: "below threshold 3"},
		{name: "own threshold reached", title: "爆炸事故",
			want: []model.TopicMatch{{ID: "safety", Name: "安全", Score: 4.5, Terms: []string{"爆炸", "事故"}}}},
		{name: "a secondary topic below half of the lead is dropped", title: "爆炸事故", body: "学校，家长",
			want:     []model.TopicMatch{{ID: "safety", Name: "安全", Score: 4.5, Terms: []string{"爆炸", "事故"}}},
			rejected: "school", why: "secondary mention"},
		{name: "a close second topic is kept", title: "减税", body: "学校，家长",
			want: []model.TopicMatch{
				{ID: "tax", Name: "税", Score: 3, Terms: []string{"减税"}},
				{ID: "school", Name: "教育", Score: 1.5, Terms: []string{"学校", "家长"}}}},
		{name: "at most two topics", title: "减税学校食品",
			want: []model.TopicMatch{
				{ID: "tax", Name: "税", Score: 3, Terms: []string{"减税"}},
				{ID: "food", Name: "食品", Score: 1.5, Terms: []string{"食品"}}},
			rejected: "school", why: "already 2 topics"},
		{name: "sport news is not hot-topic news", title: "学校比赛",
			want: []model.TopicMatch{}, rejected: "school", why: "not hot-topic news: 体育 (比赛)"},
		{name: "a strong topic survives the exclusion (keep_score)", title: "爆炸事故", body: "比赛",
			want: []model.TopicMatch{{ID: "safety", Name: "安全", Score: 4.5, Terms: []string{"爆炸", "事故"}}}},
		{name: "a suffix term matches any word ending in it, listed as found", title: "武汉大学",
			want: []model.TopicMatch{{ID: "school", Name: "教育", Score: 1.5, Terms: []string{"武汉大学"}}}},
		{name: "nothing", title: "天气晴朗", want: []model.TopicMatch{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := a.examine(model.Item{Title: tt.title, Content: tt.body})
			if !reflect.DeepEqual(ex.topics, tt.want) {
				t.Errorf("topics =\n%+v\nwant\n%+v", ex.topics, tt.want)
			}
			if tt.rejected == "" {
				return
			}
			for _, v := range ex.verdicts {
				if v.id == tt.rejected {
					if v.kept || !strings.Contains(v.why(), tt.why) {
						t.Errorf("verdict on %s = kept %v, %q; want turned down for %q", v.id, v.kept, v.why(), tt.why)
					}
					return
				}
			}
			var ids []string
			for _, v := range ex.verdicts {
				ids = append(ids, v.id)
			}
			t.Errorf("no verdict on %s, only on %v", tt.rejected, ids)
		})
	}
}

func TestTaxonomyAccessors(t *testing.T) {
	a := ruleAnalyzer(t)
	tax := a.tax
	if got, want := tax.TopicIDs(), []string{"food", "school", "noise", "safety", "tax"}; !reflect.DeepEqual(got, want) {
		t.Errorf("TopicIDs() = %v, want %v", got, want)
	}
	if got, want := tax.Departments("safety"), []string{"emergency", "housing"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Departments(safety) = %v, want %v", got, want)
	}
	if tax.Departments("nope") != nil || tax.Name("nope") != "" || tax.Name("tax") != "税" {
		t.Error("Departments/Name of an unknown topic, or Name of a known one, is wrong")
	}
	if got := tax.Suffixes(); !reflect.DeepEqual(got, []string{"大学"}) {
		t.Errorf("Suffixes() = %v", got)
	}
	for _, w := range []string{"食堂", "发霉", "网游", "夜市", "比赛"} {
		if !contains(tax.RuleWords(), w) || contains(tax.Terms(), w) {
			t.Errorf("%s should be a rule word, not a term", w)
		}
	}
	if contains(tax.Terms(), "*大学") {
		t.Error("a suffix term is not a whole word for the segmenter")
	}
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
		{ID: "rule", Name: "规则", Pos: pos, Terms: map[string]float64{"词": 1},
			Rules:   []config.TopicRule{{Match: "all(甲,", Weight: 1}, {Match: "乙", Weight: 0}, {Match: "deaths >= 3", Weight: 1}},
			Require: "any(", Exclude: "none()"},
	}, Exclude: []config.Exclusion{{Name: "坏", Match: "all)", Pos: pos}}}
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
		`topic "rule": rule "all(甲,"`,
		`topic "rule": rule "乙" needs a positive weight`,
		`comparisons (deaths) are for severity rules`,
		`topic "rule": require: rule "any("`,
		`topic "rule": exclude: rule "none()"`,
		`topics.yaml:7: exclude "坏"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if !strings.HasPrefix(err.Error(), "analyze: compile taxonomy: ") {
		t.Errorf("error is not prefixed: %v", err)
	}
}

// why writes the sentences fmt wrote before reasons were kept as figures;
// the expectations are written with the old format strings.
func TestVerdictWhy(t *testing.T) {
	tests := []struct {
		v    topicVerdict
		want string
	}{
		{topicVerdict{score: 0.5, reject: rejection{kind: rejectThreshold, limit: 3}},
			fmt.Sprintf("score %.2f below threshold %.2f", 0.5, 3.0)},
		{topicVerdict{score: 2.005, reject: rejection{kind: rejectThreshold, limit: 2.125}},
			fmt.Sprintf("score %.2f below threshold %.2f", 2.005, 2.125)},
		{topicVerdict{evidence: 1, reject: rejection{kind: rejectPassing}},
			fmt.Sprintf("only %d piece(s) of evidence, all in the body: a passing mention", 1)},
		{topicVerdict{reject: rejection{kind: rejectRequire, detail: "any(夜市, 工地)"}}, "required context missing: any(夜市, 工地)"},
		{topicVerdict{reject: rejection{kind: rejectExclude, detail: "any(网游)"}}, "excluded by any(网游)"},
		{topicVerdict{reject: rejection{kind: rejectNotHotTopic, detail: "体育 (比赛,球员)"}}, "not hot-topic news: 体育 (比赛,球员)"},
		{topicVerdict{reject: rejection{kind: rejectTooMany, count: 2}}, fmt.Sprintf("already %d topics", 2)},
		{topicVerdict{score: 1.5, reject: rejection{kind: rejectSecondary, ratio: 0.5, limit: 5}},
			fmt.Sprintf("score %.2f is less than %.0f%% of the lead topic's %.2f: a secondary mention", 1.5, 0.5*100, 5.0)},
		{topicVerdict{score: 1, reject: rejection{kind: rejectSecondary, ratio: 0.125, limit: 9.999}},
			fmt.Sprintf("score %.2f is less than %.0f%% of the lead topic's %.2f: a secondary mention", 1.0, 0.125*100, 9.999)},
		{topicVerdict{score: 4, kept: true}, ""},
	}
	for _, tt := range tests {
		if got := tt.v.why(); got != tt.want {
			t.Errorf("why() = %q, want %q", got, tt.want)
		}
	}
}
