package alert

import (
	"time"

	"github.com/yuqing/yuqing/model"
)

// Inhibition keeps one story from reaching the supervising office several
// times over, once per department.
//
// A case is inhibited when another case of the same story outranks it —
// a lead case outranks a co-responder's; between cases of the same role
// the one opened first — is not ended, and has been escalated or is itself
// overdue on an unmet deadline (so it escalates on this tick). An inhibited
// case sends no reminders, repeats or escalations: the office already has
// the story from the case that outranks it, and the department has its
// case and deadlines already. New-case and update messages are never
// inhibited, and an inhibited case keeps its deadlines: they still count in
// the timeliness report.

// inhibitor returns the case that inhibits c at now, if any.
func inhibitor(c model.Case, peers []model.Case, now time.Time) *model.Case {
	for i := range peers {
		p := &peers[i]
		if p.ID == c.ID || p.Ended() || !outranks(*p, c) {
			continue
		}
		if !p.EscalatedAt.IsZero() || overdue(*p, now) {
			return p
		}
	}
	return nil
}

// outranks reports whether a ranks above b among the cases of a story.
func outranks(a, b model.Case) bool {
	if a.Lead != b.Lead {
		return a.Lead
	}
	return a.ID < b.ID
}

func overdue(c model.Case, now time.Time) bool {
	for _, d := range c.Deadlines {
		if !d.Met() && !d.Due.After(now) {
			return true
		}
	}
	return false
}
