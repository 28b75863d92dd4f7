package demo

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/yuqing/yuqing/model"
)

// maxTitleRunes keeps one alert on one terminal line.
const maxTitleRunes = 60

// Format renders an alert for the terminal: one line, e.g.
//
//	「市住房和城乡建设局」主办 Ⅳ级 房地产市场(烂尾楼,业主维权) 通城县 — 通城县一楼盘交房延期近一年
//
// and, when the case has a deadline or a sign link, a second indented line
// with them. Topics are joined by 、 with their matched words in brackets,
// regions by 、; an alert without regions has no region part.
func Format(r Received) string {
	var b strings.Builder
	if r.Digest {
		b.WriteString("〔汇总〕")
	}
	b.WriteString("「")
	b.WriteString(departmentLabel(r))
	b.WriteString("」")
	if r.Lead {
		b.WriteString("主办 ")
	} else {
		b.WriteString("协办 ")
	}
	if r.Severity != model.SeverityNone {
		b.WriteString(r.Severity.Roman() + "级 ")
	}
	b.WriteString(topicsLabel(r.Topics))
	if regions := nonEmpty(r.Regions); len(regions) > 0 {
		b.WriteString(" ")
		b.WriteString(strings.Join(regions, "、"))
	}
	b.WriteString(" — ")
	b.WriteString(titleLabel(r.Title))
	if next := caseLine(r); next != "" {
		b.WriteString("\n    ")
		b.WriteString(next)
	}
	return b.String()
}

// caseLine shows what the department owes and how to sign for it.
func caseLine(r Received) string {
	var parts []string
	if d := r.Deadline; d != nil {
		beijing := time.FixedZone("CST", 8*3600)
		parts = append(parts, fmt.Sprintf("时限：%s %s 前", oneLine(d.Name), d.Due.In(beijing).Format("01-02 15:04")))
	}
	if u := oneLine(r.SignURL); u != "" {
		parts = append(parts, "签收："+u)
	}
	return strings.Join(parts, " · ")
}

func departmentLabel(r Received) string {
	switch {
	case strings.TrimSpace(r.DepartmentName) != "":
		return oneLine(r.DepartmentName)
	case strings.TrimSpace(r.Department) != "":
		return oneLine(r.Department)
	}
	return "未指定部门"
}

func topicsLabel(topics []TopicTerms) string {
	if len(topics) == 0 {
		return "未分类"
	}
	parts := make([]string, len(topics))
	for i, t := range topics {
		name := oneLine(t.Name)
		if name == "" {
			name = oneLine(t.ID)
		}
		if terms := nonEmpty(t.Terms); len(terms) > 0 {
			name += "(" + strings.Join(terms, ",") + ")"
		}
		parts[i] = name
	}
	return strings.Join(parts, "、")
}

func titleLabel(title string) string {
	t := oneLine(title)
	if t == "" {
		return "（无标题）"
	}
	if runes := []rune(t); len(runes) > maxTitleRunes {
		return string(runes[:maxTitleRunes-1]) + "…"
	}
	return t
}

// oneLine collapses whitespace and drops control and format characters
// (including bidi overrides): titles come from outside and must not break,
// recolour or reorder the terminal line.
func oneLine(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == unicode.ReplacementChar:
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func nonEmpty(values []string) []string {
	var out []string
	for _, v := range values {
		if v = oneLine(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
