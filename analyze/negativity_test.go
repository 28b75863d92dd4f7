package analyze

import (
	"reflect"
	"testing"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

func TestNegativity(t *testing.T) {
	a := newTestAnalyzer(t)
	tests := []struct {
		name        string
		title, body string
		score       float64
		label       string
		negative    []string
		positive    []string
	}{
		{name: "no judgement: neutral, zero", body: "今天发布通知", score: 0, label: model.SentimentNeutral},
		{name: "one negative word", body: "房间脏", score: 0.706, label: model.SentimentNegative, negative: []string{"脏"}},
		{name: "degree words scale", body: "房间非常脏", score: 0.812, label: model.SentimentNegative, negative: []string{"非常+脏"}},
		{name: "a weakening degree word", body: "房间有点脏", score: 0.627, label: model.SentimentNegative, negative: []string{"有点+脏"}},
		{name: "a negated positive word is negative", body: "我不满意", score: 0.684, label: model.SentimentNegative, negative: []string{"不+满意"}},
		{name: "a negated negative word is mildly positive", body: "房间不脏", score: 0, label: model.SentimentPositive, positive: []string{"不+脏"}},
		{name: "negation reaches across a few characters", body: "没有一点脏", score: 0, label: model.SentimentPositive, positive: []string{"没有+脏"}},
		{name: "negation stops at the clause", body: "不，房间脏", score: 0.706, label: model.SentimentNegative, negative: []string{"脏"}},
		{name: "degree and negation together", body: "不很干净", score: 0.764, label: model.SentimentNegative, negative: []string{"不+很+干净"}},
		{name: "positive only", body: "房间干净，推荐", score: 0, label: model.SentimentPositive, positive: []string{"干净", "推荐"}},
		{name: "what follows 但是 counts more", body: "房间干净，但是很脏", score: 0.614, label: model.SentimentNegative,
			negative: []string{"很+脏"}, positive: []string{"干净"}},
		{name: "the title counts more", title: "投诉", body: "干净", score: 0.469, label: model.SentimentNeutral,
			negative: []string{"投诉"}, positive: []string{"干净"}},
		{name: "a word inside a longer word does not count", body: "很友好", score: 0, label: model.SentimentNeutral},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := a.examine(model.Item{Title: tt.title, Content: tt.body}).sent
			if s.score != tt.score || s.label != tt.label || !reflect.DeepEqual(s.negative, tt.negative) || !reflect.DeepEqual(s.positive, tt.positive) {
				t.Errorf("sentiment = %.3f %s neg %v pos %v; want %.3f %s neg %v pos %v",
					s.score, s.label, s.negative, s.positive, tt.score, tt.label, tt.negative, tt.positive)
			}
		})
	}
}

func TestNegativityReason(t *testing.T) {
	s := sentiment{score: 0.75, label: model.SentimentNegative, negative: []string{"投诉", "不+满意"}, positive: []string{"好"}}
	if got, want := s.reason(), "情感倾向：负面（负面度 0.75）；负面词：投诉、不+满意；正面词：好"; got != want {
		t.Errorf("reason() = %q, want %q", got, want)
	}
}

func TestCompileNegativityErrors(t *testing.T) {
	_, err := CompileNegativity(config.Negativity{
		Negative: map[string]map[string]float64{"a": {"差": 1, "坏": 0}},
		Positive: map[string]map[string]float64{"b": {"差": 1}},
	})
	if err == nil {
		t.Error("CompileNegativity accepted a zero strength and a word listed twice")
	}
}
