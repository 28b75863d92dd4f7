package analyze

import (
	"strings"
	"testing"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

func TestCasualtyCount(t *testing.T) {
	tests := []struct {
		text, word string
		want       int
	}{
		{"造成3名工人死亡", "死亡", 3},
		{"致12人死亡", "死亡", 12},
		{"三人遇难", "遇难", 3},
		{"二十三名矿工遇难", "遇难", 23},
		{"一百零五人受伤", "受伤", 105},
		{"死亡人数升至15人", "死亡", 15},
		{"十余人受伤", "受伤", 10},
		{"1名男子死亡", "死亡", 1},
		{"工人死亡", "死亡", 1},   // a person, no number
		{"鱼虾死亡", "死亡", 0},   // no person
		{"3岁男童死亡", "死亡", 1}, // an age is not a count
		{"3头猪死亡", "死亡", 0},
	}
	for _, tt := range tests {
		i := strings.LastIndex(tt.text, tt.word)
		tk := token{word: tt.word, start: i, end: i + len(tt.word)}
		if got := casualtyCount(tt.text, tk); got != tt.want {
			t.Errorf("casualtyCount(%s) = %d, want %d", tt.text, got, tt.want)
		}
	}
}

func TestParseCount(t *testing.T) {
	for in, want := range map[string]int{"7": 7, "120": 120, "三": 3, "十": 10, "十二": 12, "二十": 20, "两": 2,
		"一百零五": 105, "三千": 3000, "一万二千": 12000} {
		if got, ok := parseCount(in); !ok || got != want {
			t.Errorf("parseCount(%s) = %d, %v; want %d", in, got, ok, want)
		}
	}
	if _, ok := parseCount(""); ok {
		t.Error("parseCount(\"\") ok")
	}
}

func TestSeverity(t *testing.T) {
	a := newTestAnalyzer(t)
	tests := []struct {
		name        string
		title, body string
		source      string
		spread      model.StorySpread
		want        model.Severity
		reason      string // part of the severity reason
	}{
		{name: "no topic, nothing reported: not assessed", title: "天气晴朗", want: model.SeverityNone},
		{name: "a topic with nothing else is the default tier", title: "化工厂爆炸事故", want: model.SeverityIV,
			reason: "未触发升级规则"},
		{name: "deaths read with their number", title: "化工厂爆炸事故", body: "造成3名工人死亡。", want: model.SeverityIII,
			reason: "死亡3人以上［deaths >= 3］；依据：死亡3人，突发事件：explosion"},
		{name: "the largest toll counts", title: "化工厂爆炸事故", body: "已有2人遇难，死亡人数升至12人。", want: model.SeverityII,
			reason: "死亡10人以上"},
		{name: "statutory scale", title: "爆炸事故", body: "共有30人遇难。", want: model.SeverityI, reason: "死亡30人以上"},
		{name: "negated deaths count nothing", title: "化工厂爆炸事故", body: "未造成人员死亡。", want: model.SeverityIV},
		{name: "a mass incident", title: "群体性事件", body: "", want: model.SeverityIII, reason: "群体性事件"},
		{name: "negated mass incident", title: "未发生群体性事件", want: model.SeverityNone},
		{name: "spread lifts an emergency", title: "化工厂爆炸事故", spread: model.StorySpread{StoryID: "s1", Articles: 6, Sources: 5},
			want: model.SeverityIII, reason: "传播：6篇、5个来源"},
		{name: "a weighty source lifts a negative report", title: "化工厂爆炸事故", body: "群众投诉", source: "cctv",
			want: model.SeverityIII, reason: "来源权重3.0"},
		{name: "an ordinary source does not", title: "化工厂爆炸事故", body: "群众投诉", source: "forum", want: model.SeverityIV},
	}
	a.weights = map[string]float64{"cctv": 3}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			an := a.finish(a.examine(model.Item{SourceID: tt.source, Title: tt.title, Content: tt.body}), tt.spread)
			if an.Severity != tt.want {
				t.Errorf("severity = %v, want %v; reasons %q", an.Severity, tt.want, an.Reasons)
			}
			if tt.reason != "" && !strings.Contains(strings.Join(an.Reasons, "\n"), tt.reason) {
				t.Errorf("reasons %q lack %q", an.Reasons, tt.reason)
			}
		})
	}
}

func TestCompileSeverityErrors(t *testing.T) {
	_, err := CompileSeverity(config.SeverityRules{Default: "V", Rules: []config.SeverityRule{
		{Tier: "II", When: "deaths >="}, {Tier: "0", When: "deaths > 1"}, {Tier: "I", When: "wounded > 1"},
	}}, nil)
	for _, want := range []string{"default", "needs a value", "unknown severity", `unknown figure "wounded"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CompileSeverity error %v lacks %q", err, want)
		}
	}
}
