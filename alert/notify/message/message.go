// Package message renders alerts, digests and report notices as the
// Simplified Chinese messages officers read, in the forms the channels
// take (WeCom and DingTalk markdown, plain text, HTML for email), and
// splits long messages on a channel's byte limit.
//
// Build turns a model.Alert into a Message: its parts in order of
// importance, each already in Chinese and capped in length, so that one
// alert fits one message on every channel; the formatters only lay the
// parts out.
package message

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuqing/yuqing/model"
)

// Caps on the parts of one alert: enough to judge the case, short enough
// that the whole alert fits a WeCom markdown message (4096 bytes).
const (
	maxTitleRunes   = 120
	maxExcerptRunes = 140
	maxNoteRunes    = 300
	maxTerms        = 12
	maxLinks        = 5
	maxLinkRunes    = 60
)

// Headings by alert kind.
var headings = map[string]string{
	model.AlertNew:        "新舆情",
	model.AlertUpdate:     "舆情更新",
	model.AlertRepeat:     "重复提醒",
	model.AlertReminder:   "时限提醒",
	model.AlertEscalation: "超时升级",
}

// Heading returns the Chinese heading of an alert kind ("" is new).
func Heading(kind string) string {
	if kind == "" {
		kind = model.AlertNew
	}
	if h, ok := headings[kind]; ok {
		return h
	}
	return "舆情提醒"
}

// Message is an alert laid out for officers.
type Message struct {
	Kind     string
	Heading  string
	Severity model.Severity
	// Tier is e.g. "Ⅱ级 重大（橙色预警）"; empty when not assessed.
	Tier      string
	Title     string
	URL       string
	Note      string
	Fields    []Field
	Excerpt   string
	Links     []model.Link
	Deadlines []string
	Actions   []model.Action
	CaseID    int64
	// Department is the name of the department the alert is for.
	Department string
}

// Field is one labelled line: 责任单位, 领域, 地区 …
type Field struct {
	Label, Value string
}

// Build lays out a for officers; now and loc give the remaining time of
// deadlines and the zone times are shown in (nil: Asia/Shanghai).
func Build(a model.Alert, now time.Time, loc *time.Location) Message {
	if loc == nil {
		loc = Beijing()
	}
	m := Message{
		Kind:       a.Kind,
		Heading:    Heading(a.Kind),
		Severity:   a.Analysis.Severity,
		Tier:       Tier(a.Analysis.Severity),
		Title:      Truncate(orDefault(strings.TrimSpace(a.Item.Title), "（无标题）"), maxTitleRunes),
		URL:        a.Item.URL,
		Note:       Truncate(strings.TrimSpace(a.Note), maxNoteRunes),
		Excerpt:    Truncate(oneLine(a.Item.Content), maxExcerptRunes),
		Actions:    a.Actions,
		CaseID:     a.CaseID,
		Department: orDefault(a.DepartmentName, a.Department),
	}
	m.Fields = fields(a, loc)
	for _, l := range a.Links[:min(len(a.Links), maxLinks)] {
		m.Links = append(m.Links, model.Link{Source: l.Source, SourceName: l.SourceName,
			Title: Truncate(oneLine(l.Title), maxLinkRunes), URL: l.URL})
	}
	for _, d := range a.Deadlines {
		m.Deadlines = append(m.Deadlines, DeadlineLine(d, now, loc))
	}
	return m
}

func fields(a model.Alert, loc *time.Location) []Field {
	var fs []Field
	add := func(label, value string) {
		if value != "" {
			fs = append(fs, Field{label, value})
		}
	}
	dept := a.DepartmentName
	if dept == "" {
		dept = a.Department
	}
	if a.Lead && dept != "" {
		dept += "（牵头）"
	}
	add("责任单位", dept)
	add("领域", strings.Join(topicNames(a.Analysis.Topics), "、"))
	add("地区", strings.Join(a.Analysis.Regions, "、"))
	add("关键词", strings.Join(Terms(a.Analysis.Topics, maxTerms), "、"))
	add("来源", source(a.Item, a.SourceName, loc))
	if a.Articles > 0 {
		spread := fmt.Sprintf("%d 篇报道", a.Articles)
		if a.Sources > 0 {
			spread += fmt.Sprintf(" / %d 个来源", a.Sources)
		}
		add("传播", spread)
	}
	return fs
}

func topicNames(ts []model.TopicMatch) []string {
	var out []string
	for _, t := range ts {
		out = append(out, orDefault(t.Name, t.ID))
	}
	return out
}

// Terms lists the words that made the topic matches, each once, at most
// limit of them.
func Terms(ts []model.TopicMatch, limit int) []string {
	var out []string
	for _, t := range ts {
		for _, term := range t.Terms {
			if len(out) < limit && !slices.Contains(out, term) {
				out = append(out, term)
			}
		}
	}
	return out
}

// source is e.g. "香城论坛 · 张三 · 3月2日 14:10 发布": the source by its
// configured name, by its id when it has none.
func source(it model.Item, name string, loc *time.Location) string {
	parts := []string{}
	if s := orDefault(name, it.SourceID); s != "" {
		parts = append(parts, s)
	}
	if it.Author != "" {
		parts = append(parts, it.Author)
	}
	if t := it.EarliestTime(); !t.IsZero() {
		parts = append(parts, FormatTime(t, loc)+" 发布")
	}
	return strings.Join(parts, " · ")
}

// Tier names a severity tier with its warning colour, e.g. "Ⅱ级 重大（橙色预警）".
func Tier(s model.Severity) string {
	if s == model.SeverityNone || s.Color() == "" {
		return ""
	}
	return fmt.Sprintf("%s级 %s（%s色预警）", s.Roman(), s.Name(), s.Color())
}

// ShortTier is the tier without its colour, e.g. "Ⅱ级 重大".
func ShortTier(s model.Severity) string {
	if s == model.SeverityNone || s.Color() == "" {
		return ""
	}
	return s.Roman() + "级 " + s.Name()
}

// Colors of the tiers for channels that take a colour code.
var hexColors = map[model.Severity]string{
	model.SeverityI:   "#D32F2F",
	model.SeverityII:  "#EF6C00",
	model.SeverityIII: "#B8860B",
	model.SeverityIV:  "#1565C0",
}

// HexColor returns the colour of a tier as #RRGGBB ("" when not assessed).
func HexColor(s model.Severity) string { return hexColors[s] }

// Truncate shortens s to at most n runes, marking the cut with "…".
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// oneLine folds white space (line breaks included) into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// linkSource names the source of a related article: its configured name,
// else its id.
func linkSource(l model.Link) string { return orDefault(l.SourceName, l.Source) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
