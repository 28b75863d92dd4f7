package report

import (
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

func ptr(x float64) *float64 { return &x }

func TestFormatting(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"num small", num(int64(987)), "987"},
		{"num thousands", num(int64(1234567)), "1,234,567"},
		{"num negative", num(-12345), "-12,345"},
		{"percent", percent(0.0823), "8.2%"},
		{"percent rounds", percent(0.99951), "100.0%"},
		{"rate nil", rate(nil), "—"},
		{"rate", rate(ptr(0.956)), "95.6%"},
		{"change up", changeText(ptr(0.082), 10), "上升8.2%"},
		{"change down", changeText(ptr(-0.031), 10), "下降3.1%"},
		{"change flat", changeText(ptr(0.0001), 10), "持平"},
		{"change new", changeText(nil, 3), "新增"},
		{"change none", changeText(nil, 0), "—"},
		{"arrow", changeArrow(ptr(-0.5), 1), "↓50.0%"},
		{"duration zero", durationCN(0), "—"},
		{"duration minutes", durationCN(35 * time.Minute), "35分"},
		{"duration seconds", durationCN(20 * time.Second), "1分"},
		{"duration hours", durationCN(2*time.Hour + 15*time.Minute), "2小时15分"},
		{"duration whole hours", durationCN(5 * time.Hour), "5小时"},
		{"duration days", durationCN(27 * time.Hour), "1天3小时"},
		{"tier", tierName(model.SeverityII), "Ⅱ级（重大）"},
		{"tier none", tierName(model.SeverityNone), "未评估"},
		{"period", periodCN(Period{From: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}), "2026年11月23日至11月29日"},
		{"period across years", periodCN(Period{From: time.Date(2026, 12, 28, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 4, 0, 0, 0, 0, time.UTC)}), "2026年12月28日至2027年1月3日"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
