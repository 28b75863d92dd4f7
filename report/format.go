package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/yuqing/yuqing/model"
)

// Formatting shared by the renderers: Chinese dates, counts, percentages
// and durations as a government report writes them.

// num writes a count with thousands separators: 12,345.
func num[T int | int64](n T) string {
	s := strconv.FormatInt(int64(n), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// percent writes a share as 12.3%.
func percent(x float64) string {
	return strconv.FormatFloat(math.Round(x*1000)/10, 'f', 1, 64) + "%"
}

// rate writes an optional rate; "—" when there is nothing to rate.
func rate(x *float64) string {
	if x == nil {
		return "—"
	}
	return percent(*x)
}

// changeText writes a week-over-week change: 上升8.2%, 下降3.1%, 持平, or
// 新增 when last week had none.
func changeText(c *float64, now int64) string { return signedChange(c, now, "上升", "下降") }

// changeArrow is the short form for tables: ↑8.2%, ↓3.1%.
func changeArrow(c *float64, now int64) string { return signedChange(c, now, "↑", "↓") }

func signedChange(c *float64, now int64, up, down string) string {
	switch {
	case c == nil && now == 0:
		return "—"
	case c == nil:
		return "新增"
	case math.Abs(*c) < 0.0005:
		return "持平"
	case *c > 0:
		return up + percent(*c)
	}
	return down + percent(-*c)
}

// dateCN writes 2026年11月23日.
func dateCN(t time.Time) string { return t.Format("2006年1月2日") }

// dateTimeCN writes 11月24日 09:30.
func dateTimeCN(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(loc).Format("1月2日 15:04")
}

// periodCN writes 2026年11月23日至11月29日 (the last day, not the end).
func periodCN(p Period) string {
	last := p.To.AddDate(0, 0, -1)
	if last.Year() != p.From.Year() {
		return dateCN(p.From) + "至" + dateCN(last)
	}
	return dateCN(p.From) + "至" + last.Format("1月2日")
}

// durationCN writes 2小时15分, 35分, or — for zero.
func durationCN(d time.Duration) string {
	if d <= 0 {
		return "—"
	}
	d = d.Round(time.Minute)
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h >= 24:
		return fmt.Sprintf("%d天%d小时", h/24, h%24)
	case h > 0 && m > 0:
		return fmt.Sprintf("%d小时%d分", h, m)
	case h > 0:
		return fmt.Sprintf("%d小时", h)
	}
	return fmt.Sprintf("%d分", max(m, 1))
}

// tierName writes Ⅱ级（重大） or 未评估.
func tierName(s model.Severity) string {
	if s == model.SeverityNone {
		return "未评估"
	}
	return s.Roman() + "级（" + s.Name() + "）"
}

// storySpread writes 3家来源，12篇.
func storySpread(s model.StorySummary) string {
	return fmt.Sprintf("%d家来源，%d篇", s.Sources, s.Articles)
}

// issueLine writes 2026年第48期.
func issueLine(p Period) string { return fmt.Sprintf("%d年第%d期", p.Year, p.Num) }
