package analyze

import (
	"fmt"
	"io"
	"strings"

	"github.com/yuqing/yuqing/model"
)

// explain writes why an item was tagged as it was, for analysts checking a
// rule: the topics kept and the ones turned down with the reason, the words
// and rules behind each, places, negativity, severity and story.
func explain(w io.Writer, a *Analyzer, ex *examination, an model.Analysis) error {
	var b strings.Builder
	title := ex.item.Title
	if title == "" {
		title = firstRunes(ex.item.Content, 30)
	}
	fmt.Fprintf(&b, "── %s ─ %s\n", ex.item.ID, title)
	if len(ex.verdicts) == 0 {
		b.WriteString("topics        none: no term or rule of any topic found\n")
	}
	for _, v := range ex.verdicts {
		if v.kept {
			fmt.Fprintf(&b, "topic         %s %s  score %s\n", v.id, v.name, fmtScore(v.score))
		} else {
			fmt.Fprintf(&b, "not a topic   %s %s  score %s — %s\n", v.id, v.name, fmtScore(v.score), v.why())
		}
		if len(v.terms) > 0 {
			fmt.Fprintf(&b, "                words: %s\n", strings.Join(v.terms, "、"))
		}
		if len(v.rules) > 0 {
			fmt.Fprintf(&b, "                rules: %s\n", strings.Join(v.rules, "; "))
		}
	}
	fmt.Fprintf(&b, "regions       %s\n", orNone(an.Regions))
	fmt.Fprintf(&b, "departments   %s\n", orNone(an.Departments))
	if a.neg != nil {
		fmt.Fprintf(&b, "negativity    %.2f %s\n", an.Negativity, an.Sentiment)
	}
	if a.sev != nil {
		tier := "none"
		if an.Severity != model.SeverityNone {
			tier = an.Severity.Roman() + " " + an.Severity.Name()
		}
		fmt.Fprintf(&b, "severity      %s\n", tier)
		if len(ex.inc.notes) > 0 {
			fmt.Fprintf(&b, "                read: %s\n", strings.Join(ex.inc.notes, "; "))
		}
	}
	if an.StoryID != "" {
		fmt.Fprintf(&b, "story         %s\n", an.StoryID)
	}
	for _, r := range an.Reasons {
		fmt.Fprintf(&b, "reason        %s\n", r)
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func fmtScore(v float64) string { return strings.TrimSuffix(fmt.Sprintf("%.2f", v), ".00") }

func orNone(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	return strings.Join(list, "、")
}

func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
