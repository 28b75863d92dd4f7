package report

import (
	"fmt"
	"strings"
)

// topAreasInSummary is how many areas the summary paragraph names.
const topAreasInSummary = 3

// Summary returns the report's opening paragraphs (本周舆情概况) in plain
// Chinese prose: volume and its change, negative share, the busiest areas,
// alerts, timeliness and silent sources.
func Summary(d *Data) []string {
	h := d.Headline
	var out []string
	who := "涉及" + d.Area + "的"
	if d.Scope.Department != "" {
		who = d.Scope.Name + "主管领域的"
	}
	first := fmt.Sprintf("本周（%s）共监测到%s舆情信息%s条", periodCN(d.Period), who, num(h.Items))
	if h.Change != nil {
		first += "，环比" + changeText(h.Change, h.Items)
	}
	if h.Items > 0 {
		first += fmt.Sprintf("；其中负面信息%s条，占%s", num(h.Negative), percent(h.NegativeShare))
	}
	out = append(out, first+"。")
	if busy := busiestAreas(d.Areas); busy != "" {
		out = append(out, fmt.Sprintf("%d个热点领域有相关信息，热度居前的是%s。", h.ActiveAreas, busy))
	}
	alerts := fmt.Sprintf("本周新开预警案件%d件，涉及事件%d起", h.Cases, h.Events)
	if h.Major > 0 {
		alerts += fmt.Sprintf("，其中重大及以上%d起", h.Major)
	}
	if h.OnTimeRate != nil {
		alerts += fmt.Sprintf("；按时回应率%s，回应率%s", rate(h.OnTimeRate), rate(h.ResponseRate))
		if h.Overdue > 0 {
			alerts += fmt.Sprintf("，超时%d件", h.Overdue)
		}
	}
	out = append(out, alerts+"。")
	if h.SilentSources > 0 {
		out = append(out, fmt.Sprintf("有%d个信息源本周无新信息或抓取失败，请核查。", h.SilentSources))
	}
	return out
}

// busiestAreas names the busiest areas with their counts:
// 房地产市场（2,345条）、生态环境（1,234条）和教育（987条）.
func busiestAreas(areas []Area) string {
	var parts []string
	for _, a := range areas {
		if a.Items == 0 || len(parts) == topAreasInSummary {
			break
		}
		parts = append(parts, fmt.Sprintf("%s（%s条）", a.Name, num(a.Items)))
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], "、") + "和" + parts[len(parts)-1]
}

// NoticeTitle is the title of a report's announcement, e.g.
// 咸宁市舆情周报（2026年第48期） or 咸宁市舆情周报·市住房和城乡建设局（…）.
func NoticeTitle(d *Data) string {
	t := d.Title
	if d.Scope.Name != "" {
		t += "·" + d.Scope.Name
	}
	return t + "（" + issueLine(d.Period) + "）"
}

// NoticeSummary is the few lines of Markdown chat receivers send with the
// link: the title and the summary paragraphs.
func NoticeSummary(d *Data) string {
	var b strings.Builder
	b.WriteString("**" + NoticeTitle(d) + "**\n\n")
	for _, p := range Summary(d) {
		b.WriteString(p + "\n\n")
	}
	return strings.TrimRight(b.String(), "\n")
}
