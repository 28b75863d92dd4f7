package message

import (
	"fmt"
	"strings"

	"github.com/yuqing/yuqing/model"
)

// Flavor is one channel's dialect of markdown.
type Flavor struct {
	// Break ends a line. DingTalk joins lines that a single newline
	// separates, so it takes a blank line; WeCom and Feishu break on one.
	Break string
	// Color colours the text of a tier label.
	Color func(s model.Severity, text string) string
	// Heading is the prefix of the first line ("## " or "" where headings
	// are not rendered).
	Heading string
}

// Markdown flavours of the channels.
var (
	// WeCom markdown has three colours: warning (orange-red), info
	// (green) and comment (grey).
	WeCom = Flavor{Break: "\n", Heading: "## ", Color: func(s model.Severity, text string) string {
		c := "warning"
		if s == model.SeverityIV {
			c = "comment"
		}
		return `<font color="` + c + `">` + text + `</font>`
	}}
	DingTalk = Flavor{Break: "\n\n", Heading: "## ", Color: func(s model.Severity, text string) string {
		return `<font color="` + HexColor(s) + `">` + text + `</font>`
	}}
	// Lark is Feishu's lark_md, used inside cards.
	Lark = Flavor{Break: "\n", Heading: "", Color: func(s model.Severity, text string) string {
		return "<font color='" + larkColors[s] + "'>" + text + "</font>"
	}}
)

var larkColors = map[model.Severity]string{
	model.SeverityI: "red", model.SeverityII: "orange", model.SeverityIII: "yellow", model.SeverityIV: "blue",
}

// LarkColor is the Feishu template colour of a tier (card headers).
func LarkColor(s model.Severity) string {
	if c, ok := larkColors[s]; ok {
		return c
	}
	return "grey"
}

// HeadLine is the first line of an alert without markup:
// "新舆情 · Ⅱ级 重大（橙色预警）".
func (m Message) HeadLine() string {
	if m.Tier == "" {
		return m.Heading
	}
	return m.Heading + " · " + m.Tier
}

// Markdown renders m in flavour f.
func Markdown(m Message, f Flavor) string {
	head := m.Heading
	if m.Tier != "" {
		head += " · " + f.Color(m.Severity, m.Tier)
	}
	return f.Heading + head + f.Break + MarkdownBody(m, f, true)
}

// MarkdownBody renders m without its heading line, for channels that show
// the heading themselves (a Feishu card header); withActions adds the
// action links (a card shows buttons instead).
func MarkdownBody(m Message, f Flavor, withActions bool) string {
	var b lines
	if m.Note != "" {
		b.add("> " + mdText(m.Note))
	}
	b.add("**" + mdLink(m.Title, m.URL) + "**")
	for _, fl := range m.Fields {
		b.add("**" + fl.Label + "**：" + mdText(fl.Value))
	}
	if m.Excerpt != "" {
		b.add("**摘要**：" + mdText(m.Excerpt))
	}
	if len(m.Links) > 0 {
		b.add("**相关报道**")
		for i, l := range m.Links {
			b.add(fmt.Sprintf("%d. %s%s", i+1, mdLink(l.Title, l.URL), sourceSuffix(linkSource(l))))
		}
	}
	if len(m.Deadlines) > 0 {
		b.add("**处置时限**")
		for _, d := range m.Deadlines {
			b.add("- " + mdText(d))
		}
	}
	if acts := mdActions(m.Actions); withActions && acts != "" {
		b.add(acts)
	}
	if m.CaseID > 0 {
		b.add(fmt.Sprintf("舆情案件编号 %d", m.CaseID))
	}
	return b.join(f.Break)
}

func mdActions(as []model.Action) string {
	var parts []string
	for _, a := range as {
		if a.URL != "" {
			parts = append(parts, mdLink(orDefault(a.Label, a.Name), a.URL))
		}
	}
	return strings.Join(parts, " | ")
}

func sourceSuffix(src string) string {
	if src == "" {
		return ""
	}
	return "（" + src + "）"
}

// mdReplacer keeps text from being read as markup: brackets would end a
// link and asterisks or backticks start emphasis or code.
var mdReplacer = strings.NewReplacer("[", "［", "]", "］", "*", "＊", "`", "'", "\n", " ", "\r", "")

func mdText(s string) string { return mdReplacer.Replace(s) }

// urlReplacer escapes what would end a markdown link target early.
var urlReplacer = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "\n", "", "\r", "")

// mdLink renders [text](url), or the text alone when there is no URL.
func mdLink(text, url string) string {
	if url == "" {
		return mdText(text)
	}
	return "[" + mdText(text) + "](" + urlReplacer.Replace(url) + ")"
}

// lines collects the lines of a message.
type lines []string

func (b *lines) add(s string) { *b = append(*b, s) }

func (b lines) join(sep string) string { return strings.Join(b, sep) }
