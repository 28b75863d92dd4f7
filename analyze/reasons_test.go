package analyze

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

// The reasons are built with strconv and appends; the expectations are
// written with the format strings they replaced, so stored reasons read the
// same as before.
func TestReasonsAsFormatted(t *testing.T) {
	first := time.Date(2024, 5, 6, 23, 30, 0, 0, time.UTC)
	stories := []struct {
		st   model.StorySpread
		want string
	}{
		{model.StorySpread{StoryID: "s1", New: true, Articles: 1, Sources: 1, FirstSeen: first},
			fmt.Sprintf("事件：%s（新事件，首篇报道）", "s1")},
		{model.StorySpread{StoryID: "s2", Articles: 12, Sources: 3},
			fmt.Sprintf("事件：%s（同一事件已有%d篇报道、%d个来源）", "s2", 12, 3)},
		{model.StorySpread{StoryID: "s3", Articles: 2, Sources: 1, FirstSeen: first},
			fmt.Sprintf("事件：%s（同一事件已有%d篇报道、%d个来源，首发于%s）", "s3", 2, 1,
				first.In(shanghai).Format("2006-01-02 15:04"))},
	}
	for _, tt := range stories {
		if got := storyReason(tt.st); got != tt.want {
			t.Errorf("storyReason(%+v) = %q, want %q", tt.st, got, tt.want)
		}
	}

	a := newTestAnalyzer(t)
	oldBasis := func(inc incident, sp spread, weight float64) string {
		parts := []string{}
		if inc.deaths > 0 {
			parts = append(parts, fmt.Sprintf("死亡%d人", inc.deaths))
		}
		if inc.injuries > 0 {
			parts = append(parts, fmt.Sprintf("受伤%d人", inc.injuries))
		}
		if inc.missing > 0 {
			parts = append(parts, fmt.Sprintf("失踪或被困%d人", inc.missing))
		}
		if len(inc.kinds) > 0 {
			parts = append(parts, "突发事件："+strings.Join(inc.kinds, "、"))
		}
		parts = append(parts, fmt.Sprintf("传播：%d篇、%d个来源", max(sp.articles, 1), max(sp.sources, 1)))
		if weight != 1 {
			parts = append(parts, fmt.Sprintf("来源权重%.1f", weight))
		}
		return "依据：" + strings.Join(parts, "，")
	}
	bases := []struct {
		inc    incident
		sp     spread
		weight float64
	}{
		{incident{}, spread{}, 1},
		{incident{deaths: 3, injuries: 12, missing: 2, kinds: []string{"fire", "collapse"}}, spread{articles: 7, sources: 4}, 2.25},
		{incident{injuries: 1}, spread{articles: 1, sources: 1}, 0.05},
		{incident{missing: 40, kinds: []string{"mine"}}, spread{articles: 100, sources: 30}, 1},
	}
	for _, tt := range bases {
		if got, want := a.sev.basis("前缀；", tt.inc, tt.sp, tt.weight), "前缀；"+oldBasis(tt.inc, tt.sp, tt.weight); got != want {
			t.Errorf("basis(%+v, %+v, %v) = %q, want %q", tt.inc, tt.sp, tt.weight, got, want)
		}
	}
	for _, r := range a.sev.rules {
		want := fmt.Sprintf("严重程度：%s级（%s）— %s［%s］；", r.tier.Roman(), r.tier.Name(), r.name, r.rule.source)
		if r.reason != want {
			t.Errorf("rule reason %q, want %q", r.reason, want)
		}
	}
	if want := fmt.Sprintf("严重程度：%s级（%s）— 未触发升级规则；", a.sev.fallback.Roman(), a.sev.fallback.Name()); a.sev.fallbackReason != want {
		t.Errorf("fallback reason %q, want %q", a.sev.fallbackReason, want)
	}

	sentiments := []sentiment{
		{score: 0.75, label: model.SentimentNegative, negative: []string{"投诉", "不+满意"}, positive: []string{"好"}},
		{score: 0.125, label: model.SentimentPositive, positive: []string{"满意"}},
		{score: 0, label: model.SentimentNeutral},
		{score: 0.3, label: "unknown"},
		{score: 0.6, label: model.SentimentNegative, negative: []string{strings.Repeat("很长的负面词", 40)}},
	}
	for _, s := range sentiments {
		name := map[string]string{model.SentimentNegative: "负面", model.SentimentNeutral: "中性", model.SentimentPositive: "正面"}[s.label]
		want := fmt.Sprintf("情感倾向：%s（负面度 %.2f）", name, s.score)
		if len(s.negative) > 0 {
			want += fmt.Sprintf("；负面词：%s", strings.Join(s.negative, "、"))
		}
		if len(s.positive) > 0 {
			want += fmt.Sprintf("；正面词：%s", strings.Join(s.positive, "、"))
		}
		if got := s.reason(); got != want {
			t.Errorf("reason() = %q, want %q", got, want)
		}
	}
}
