package alert

import (
	"fmt"
	"slices"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// deadlineRule is a compiled config.DeadlineRule.
type deadlineRule struct {
	kind, name string
	severities map[model.Severity]bool
	within     time.Duration
}

// fullShare is the share of a deadline's time at which it is missed.
const fullShare = 100

func compileDeadlineRules(rules []config.DeadlineRule) ([]deadlineRule, error) {
	if rules == nil {
		rules = config.DefaultDeadlineRules()
	}
	out := make([]deadlineRule, 0, len(rules))
	for _, r := range rules {
		name := r.Name
		if name == "" {
			name = config.DeadlineNames[r.Kind]
		}
		if _, ok := config.DeadlineNames[r.Kind]; !ok || r.Within <= 0 {
			return nil, fmt.Errorf("%s: deadline %q: want a known kind and a positive within", r.Pos, r.Kind)
		}
		rule := deadlineRule{kind: r.Kind, name: name, severities: map[model.Severity]bool{}, within: r.Within.D()}
		for _, s := range r.Severities {
			sev, err := config.ParseRuleSeverity(s)
			if err != nil {
				return nil, fmt.Errorf("%s: deadline %s: %w", r.Pos, r.Kind, err)
			}
			rule.severities[sev] = true
		}
		out = append(out, rule)
	}
	return out, nil
}

// clockStart is when a case's deadlines count from: the earliest known time
// of its story (first publication or detection; an event time when the
// analysis provides one), but never more than maxBackdate before the story
// was detected.
func clockStart(c model.Case, maxBackdate time.Duration) time.Time {
	earliest := c.DetectedAt
	if earliest.IsZero() {
		earliest = c.OpenedAt
	}
	detected := earliest
	if p := c.FirstPublishedAt; !p.IsZero() && p.Before(earliest) {
		earliest = p
	}
	if floor := detected.Add(-maxBackdate); earliest.Before(floor) {
		earliest = floor
	}
	return earliest
}

// addDeadlines gives the case the deadlines its severity owes that it does
// not have yet (a case whose severity rises gains the Ⅰ/Ⅱ ones). They count
// from the case's clock start; reminder points already passed are skipped,
// since the message that announces the deadline shows how much time is left.
func (p *Policy) addDeadlines(c *model.Case, now time.Time) []string {
	var added []string
	for _, r := range p.rules {
		if !r.severities[c.Severity] {
			continue
		}
		if _, ok := c.Deadline(r.kind); ok {
			continue
		}
		d := model.Deadline{Kind: r.kind, Name: r.name, Due: c.ClockStart.Add(r.within)}
		for _, pct := range p.reminders {
			if !shareTime(c.ClockStart, d.Due, pct).After(now) {
				d.Notified = pct
			}
		}
		d.NextCheckAt = p.nextShareTime(c.ClockStart, d)
		c.Deadlines = append(c.Deadlines, d)
		added = append(added, r.name)
	}
	slices.SortStableFunc(c.Deadlines, func(a, b model.Deadline) int { return a.Due.Compare(b.Due) })
	return added
}

// shareTime is the moment pct percent of the time from start to due has
// passed.
func shareTime(start, due time.Time, pct int) time.Time {
	return start.Add(due.Sub(start) * time.Duration(pct) / fullShare)
}

// shares are the reminder points and the escalation point, ascending.
func (p *Policy) shares() []int { return append(slices.Clone(p.reminders), fullShare) }

// nextShareTime is when the first point after the deadline's Notified one
// comes; zero when none is left.
func (p *Policy) nextShareTime(start time.Time, d model.Deadline) time.Time {
	for _, pct := range p.shares() {
		if pct > d.Notified {
			return shareTime(start, d.Due, pct)
		}
	}
	return time.Time{}
}

// reachedShare is the highest point after Notified that has come at now;
// 0 when none has.
func (p *Policy) reachedShare(start time.Time, d model.Deadline, now time.Time) int {
	reached := 0
	for _, pct := range p.shares() {
		if pct > d.Notified && !shareTime(start, d.Due, pct).After(now) {
			reached = pct
		}
	}
	return reached
}

// caseMute says why the clock's messages about a case are not sent: ""
// when they are.
type caseMute struct {
	silenced  bool
	inhibitor *model.Case
}

// advanceDeadlines acts on every deadline point of the case that has come:
// a reminder to the department, or at 100% an escalation to the
// supervising office. A reminder the calendar holds back waits for working
// time (or for the next point, whichever comes first); a muted case's
// points are passed without a message, so they do not all come out when
// the silence ends.
func (p *Policy) advanceDeadlines(ch *model.CaseChange, mute caseMute) {
	c := &ch.Case
	for i := range c.Deadlines {
		d := &c.Deadlines[i]
		if d.Met() || c.Ended() || d.Notified >= fullShare {
			d.NextCheckAt = time.Time{}
			continue
		}
		if d.NextCheckAt.After(ch.Now) {
			continue
		}
		pct := p.reachedShare(c.ClockStart, *d, ch.Now)
		if pct == 0 {
			d.NextCheckAt = p.nextShareTime(c.ClockStart, *d)
			continue
		}
		kind := model.AlertReminder
		if pct == fullShare {
			kind = model.AlertEscalation
		}
		if release := p.calendar.Release(kind, c.Severity, ch.Now); release.After(ch.Now) {
			next := *d
			next.Notified = pct
			d.NextCheckAt = release
			if later := p.nextShareTime(c.ClockStart, next); !later.IsZero() && later.Before(release) {
				d.NextCheckAt = later
			}
			continue
		}
		d.Notified = pct
		d.NextCheckAt = p.nextShareTime(c.ClockStart, *d)
		switch {
		case mute.silenced:
			p.event(ch, "silenced", fmt.Sprintf("%s %d%%：静默期间不提醒", d.Name, pct))
		case mute.inhibitor != nil:
			p.event(ch, "inhibited", fmt.Sprintf("%s %d%%：同一事件已由案件 #%d（%s）上报督办，不再重复提醒", d.Name, pct,
				mute.inhibitor.ID, mute.inhibitor.DepartmentName))
		case pct == fullShare:
			p.escalate(ch, *d)
		default:
			p.remind(ch, *d, pct)
		}
	}
}

func (p *Policy) remind(ch *model.CaseChange, d model.Deadline, pct int) {
	note := fmt.Sprintf("距「%s」时限（%s）还剩 %s（已过 %d%%）", d.Name, beijingTime(d.Due, p.calendar), slack(d.Due.Sub(ch.Now)), pct)
	p.queue(ch, fmt.Sprintf("reminder:%s:%d", d.Kind, pct), model.AlertReminder, note, p.receiversOf(ch.Case.Department), ch.Now)
	p.event(ch, model.AlertReminder, note)
}

// escalate reports a missed deadline to the supervising office, and to the
// department itself.
func (p *Policy) escalate(ch *model.CaseChange, d model.Deadline) {
	c := &ch.Case
	if c.EscalatedAt.IsZero() {
		c.EscalatedAt = ch.Now
	}
	to := p.escalateTo
	note := fmt.Sprintf("「%s」时限（%s）已过，尚未完成", d.Name, beijingTime(d.Due, p.calendar))
	if to.Code != "" {
		note += "，已报送" + to.Name + "督办"
	}
	receivers := append(slices.Clone(to.Receivers), p.receiversOf(c.Department)...)
	msg := p.queue(ch, "escalation:"+d.Kind, model.AlertEscalation, note, receivers, ch.Now)
	msg.Alert.EscalatedTo, msg.Alert.EscalatedToName = to.Code, to.Name
	p.event(ch, "escalated", note)
}

// slack writes a duration for officers: "3小时20分", "45分钟", "2天5小时".
func slack(d time.Duration) string {
	if d < 0 {
		return "已超时 " + slack(-d)
	}
	d = d.Round(time.Minute)
	days, hours, minutes := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0 && hours == 0:
		return fmt.Sprintf("%d天", days)
	case days > 0:
		return fmt.Sprintf("%d天%d小时", days, hours)
	case hours > 0:
		return fmt.Sprintf("%d小时%d分", hours, minutes)
	}
	return fmt.Sprintf("%d分钟", minutes)
}

// beijingTime writes a time in the calendar's zone, e.g. 11月28日 14:00.
func beijingTime(t time.Time, cal *Calendar) string {
	return t.In(cal.Location()).Format("1月2日 15:04")
}
