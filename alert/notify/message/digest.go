package message

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yuqing/yuqing/model"
)

// Digest is the alerts that were due for one receiver while its
// destination was over its rate limit, merged into one message (汇总).
type Digest struct {
	Items []Message
	// ConsoleURL is where the whole list can be seen (may be empty).
	ConsoleURL string
}

// BuildDigest lays out alerts as one digest, most severe first.
func BuildDigest(alerts []model.Alert, now time.Time, loc *time.Location, consoleURL string) Digest {
	d := Digest{ConsoleURL: consoleURL}
	for _, a := range alerts {
		d.Items = append(d.Items, Build(a, now, loc))
	}
	slices.SortStableFunc(d.Items, func(a, b Message) int { return cmp.Compare(rank(a.Severity), rank(b.Severity)) })
	return d
}

func rank(s model.Severity) int {
	if s == model.SeverityNone {
		return int(model.SeverityIV) + 1
	}
	return int(s)
}

// Title is the digest's heading: "舆情汇总：12 条".
func (d Digest) Title() string { return fmt.Sprintf("舆情汇总：%d 条", len(d.Items)) }

// Summary counts the items by tier: "其中 Ⅰ级 1 条、Ⅲ级 4 条、未评估 2 条".
func (d Digest) Summary() string {
	counts := map[model.Severity]int{}
	for _, m := range d.Items {
		counts[m.Severity]++
	}
	var parts []string
	for _, s := range []model.Severity{model.SeverityI, model.SeverityII, model.SeverityIII, model.SeverityIV, model.SeverityNone} {
		if counts[s] == 0 {
			continue
		}
		name := s.Roman() + "级"
		if s == model.SeverityNone {
			name = "未评估"
		}
		parts = append(parts, fmt.Sprintf("%s %d 条", name, counts[s]))
	}
	return "其中 " + strings.Join(parts, "、") + "。发送频率已达上限，以下合并发送。"
}

// DigestMarkdown renders d in flavour f, listing as many items as fit in
// limit (measured by size; nil: bytes) and naming how many it left out.
func DigestMarkdown(d Digest, f Flavor, limit int, size func(string) int) string {
	head := []string{f.Heading + d.Title(), d.Summary()}
	items := make([]string, len(d.Items))
	for i, m := range d.Items {
		line := fmt.Sprintf("%d. ", i+1)
		if t := ShortTier(m.Severity); t != "" {
			line += f.Color(m.Severity, t) + " "
		}
		line += m.Heading + "｜" + mdLink(m.Title, m.URL) + deptSuffix(m)
		if a := firstAction(m); a.URL != "" {
			line += " " + mdLink(orDefault(a.Label, a.Name), a.URL)
		}
		items[i] = line
	}
	more := func(omitted int) string {
		if omitted == 0 {
			return ""
		}
		s := fmt.Sprintf("……另有 %d 条未列出", omitted)
		if d.ConsoleURL != "" {
			return s + "，" + mdLink("请到舆情平台查看", d.ConsoleURL)
		}
		return s + "，请到舆情平台查看"
	}
	return fit(head, items, more, f.Break, limit, size)
}

// DigestText renders d as plain text within limit, like DigestMarkdown.
func DigestText(d Digest, limit int, size func(string) int) string {
	head := []string{"【" + d.Title() + "】", d.Summary()}
	items := make([]string, len(d.Items))
	for i, m := range d.Items {
		line := fmt.Sprintf("%d. ", i+1)
		if t := ShortTier(m.Severity); t != "" {
			line += "【" + t + "】"
		}
		line += m.Heading + "｜" + m.Title + deptSuffix(m)
		if m.URL != "" {
			line += " " + m.URL
		}
		if a := firstAction(m); a.URL != "" {
			line += " " + orDefault(a.Label, a.Name) + "：" + a.URL
		}
		items[i] = line
	}
	more := func(omitted int) string {
		if omitted == 0 {
			return ""
		}
		s := fmt.Sprintf("……另有 %d 条未列出，请到舆情平台查看", omitted)
		if d.ConsoleURL != "" {
			s += "：" + d.ConsoleURL
		}
		return s
	}
	return fit(head, items, more, "\n", limit, size)
}

func deptSuffix(m Message) string { return sourceSuffix(m.Department) }

// firstAction is the action a digest line offers: signing for the case
// when there is one, else the first.
func firstAction(m Message) model.Action {
	for _, a := range m.Actions {
		if a.Name == "sign" && a.URL != "" {
			return a
		}
	}
	for _, a := range m.Actions {
		if a.URL != "" {
			return a
		}
	}
	return model.Action{}
}

// fit joins head, as many items as fit and the closing line more(omitted)
// so that the whole measures at most limit. With no room for even one
// item it returns head and the closing line; the caller splits what is
// still too long.
func fit(head, items []string, more func(int) string, sep string, limit int, size func(string) int) string {
	if size == nil {
		size = byteLen
	}
	build := func(k int) string {
		all := append(slices.Clone(head), items[:k]...)
		if tail := more(len(items) - k); tail != "" {
			all = append(all, tail)
		}
		return strings.Join(all, sep)
	}
	for k := len(items); k > 0; k-- {
		if s := build(k); size(s) <= limit {
			return s
		}
	}
	return build(0)
}

func byteLen(s string) int { return len(s) }
