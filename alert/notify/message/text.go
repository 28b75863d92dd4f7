package message

import (
	"fmt"
	"strings"
)

// Text renders m as plain text, for channels without markup (WeCom and
// Feishu text messages, the text part of an email).
func Text(m Message) string {
	var b lines
	b.add("【" + m.HeadLine() + "】")
	if m.Note != "" {
		b.add(m.Note)
	}
	b.add(m.Title)
	if m.URL != "" {
		b.add("原文：" + m.URL)
	}
	for _, f := range m.Fields {
		b.add(f.Label + "：" + f.Value)
	}
	if m.Excerpt != "" {
		b.add("摘要：" + m.Excerpt)
	}
	if len(m.Links) > 0 {
		b.add("相关报道：")
		for i, l := range m.Links {
			b.add(fmt.Sprintf("%d. %s%s %s", i+1, l.Title, sourceSuffix(linkSource(l)), l.URL))
		}
	}
	if len(m.Deadlines) > 0 {
		b.add("处置时限：")
		for _, d := range m.Deadlines {
			b.add("· " + d)
		}
	}
	for _, a := range m.Actions {
		if a.URL != "" {
			b.add(orDefault(a.Label, a.Name) + "：" + a.URL)
		}
	}
	if m.CaseID > 0 {
		b.add(fmt.Sprintf("舆情案件编号 %d", m.CaseID))
	}
	return strings.TrimRight(b.join("\n"), " ")
}

// Subject is the subject line of an email about m:
// "【Ⅱ级 重大】新舆情：某小区交房延期引发业主聚集".
func Subject(m Message) string {
	tier := ShortTier(m.Severity)
	if tier == "" {
		return m.Heading + "：" + m.Title
	}
	return "【" + tier + "】" + m.Heading + "：" + m.Title
}
