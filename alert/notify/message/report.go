package message

import (
	"strings"

	"github.com/yuqing/yuqing/model"
)

// ReportMarkdown renders a report notice for a chat channel: the title,
// the summary (Markdown as the report wrote it) and the link to the whole
// report.
func ReportMarkdown(n model.ReportNotice, f Flavor) string {
	var b lines
	b.add(f.Heading + mdText(n.Title))
	for _, line := range strings.Split(strings.TrimSpace(n.Summary), "\n") {
		if line = strings.TrimRight(line, " \r"); line != "" {
			b.add(line)
		}
	}
	if n.URL != "" {
		b.add(mdLink("查看完整报告", n.URL))
	}
	return b.join(f.Break)
}

// ReportText renders a report notice as plain text.
func ReportText(n model.ReportNotice) string {
	var b lines
	b.add("【" + n.Title + "】")
	if s := strings.TrimSpace(n.Summary); s != "" {
		b.add(s)
	}
	if n.URL != "" {
		b.add("查看完整报告：" + n.URL)
	}
	return b.join("\n")
}
