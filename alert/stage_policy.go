package alert

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// ActionLinker makes the signed links of a case's actions (package web
// implements it). A nil ActionLinker leaves messages without links.
type ActionLinker interface {
	ActionURL(caseID int64, action string, now time.Time) string
}

// PolicyOptions configure a Policy. Departments is required.
type PolicyOptions struct {
	// Departments maps a department code to its configuration.
	Departments map[string]config.Department
	// Alert holds the deadlines, updates, calendar and coordinator; zero
	// values take the defaults of package config.
	Alert config.Alert
	Links ActionLinker
	// SourceNames maps a source id to the name messages show (香城论坛
	// rather than xnnews); a source missing from it is shown by its id.
	SourceNames map[string]string
}

// Policy decides what a case change means: which deadlines a case owes,
// when its department is told (new case, update, repeat, reminder) and when
// the supervising office is (escalation). It is immutable; its methods are
// model.CasePolicy functions that run inside the store's transactions, so
// that a case and the messages about it are saved together or not at all.
type Policy struct {
	departments map[string]config.Department
	rules       []deadlineRule
	reminders   []int
	escalateTo  config.Department
	maxBackdate time.Duration
	calendar    *Calendar
	sourceSteps []int
	articleStep []int
	links       ActionLinker
	sourceNames map[string]string
}

// NewPolicy compiles the alert section's rules.
func NewPolicy(o PolicyOptions) (*Policy, error) {
	if len(o.Departments) == 0 {
		return nil, errors.New("alert: new policy: no departments")
	}
	rules, err := compileDeadlineRules(o.Alert.Deadlines.Rules)
	if err != nil {
		return nil, fmt.Errorf("alert: new policy: %w", err)
	}
	cal, err := CompileCalendar(o.Alert.Calendar)
	if err != nil {
		return nil, fmt.Errorf("alert: new policy: %w", err)
	}
	p := &Policy{departments: o.Departments, rules: rules, calendar: cal, links: o.Links, sourceNames: maps.Clone(o.SourceNames),
		reminders: o.Alert.Deadlines.Reminders, maxBackdate: o.Alert.Deadlines.MaxBackdate.D(),
		sourceSteps: o.Alert.Updates.Sources, articleStep: o.Alert.Updates.Articles}
	if p.reminders == nil {
		p.reminders = config.DefaultReminders()
	}
	if p.maxBackdate <= 0 {
		p.maxBackdate = config.DefaultMaxBackdate
	}
	if p.sourceSteps == nil && p.articleStep == nil {
		d := config.DefaultUpdates()
		p.sourceSteps, p.articleStep = d.Sources, d.Articles
	}
	supervisor := o.Alert.Deadlines.EscalateTo
	if supervisor == "" {
		supervisor = o.Alert.Coordinator
	}
	if supervisor != "" {
		dep, ok := o.Departments[supervisor]
		if !ok {
			return nil, fmt.Errorf("alert: new policy: escalation department %q is not configured", supervisor)
		}
		p.escalateTo = dep
	}
	return p, nil
}

// Calendar returns the compiled work calendar.
func (p *Policy) Calendar() *Calendar { return p.calendar }

// Plan is the model.CasePolicy of the alert stage: a case was opened, or an
// item of its story was added to it.
func (p *Policy) Plan(ch *model.CaseChange) {
	switch {
	case ch.Opened:
		p.planOpened(ch)
	case ch.Grew:
		p.planGrew(ch)
	}
}

func (p *Policy) planOpened(ch *model.CaseChange) {
	c, op := &ch.Case, ch.Opening
	c.ClockStart = clockStart(*c, p.maxBackdate)
	c.Schedule.GroupWait, c.Schedule.GroupInterval, c.Schedule.RepeatInterval = op.GroupWait, op.GroupInterval, op.RepeatInterval
	added := p.addDeadlines(c, ch.Now)
	due := ch.Now
	if !c.Severity.AtLeast(model.SeverityII) {
		// Ⅰ/Ⅱ never wait; others wait for their group's burst to gather.
		due = ch.Now.Add(op.GroupWait)
		if ch.GroupDueAt.After(ch.Now) {
			due = ch.GroupDueAt
		}
	}
	p.queue(ch, "", model.AlertNew, "", op.Receivers, due)
	p.markNotified(c, due)
	if op.RepeatInterval > 0 {
		c.Schedule.NextRepeatAt = due.Add(op.RepeatInterval)
	}
	detail := "路由：" + strings.Join(op.Path, " → ")
	if len(added) > 0 {
		detail += "；时限：" + strings.Join(added, "、")
	}
	p.event(ch, "opened", detail)
	p.advanceDeadlines(ch, caseMute{inhibitor: inhibitor(*c, ch.Peers, ch.Now)})
}

func (p *Policy) planGrew(ch *model.CaseChange) {
	c := &ch.Case
	if added := p.addDeadlines(c, ch.Now); len(added) > 0 {
		p.event(ch, "deadlines", fmt.Sprintf("等级升至%s，新增时限：%s", c.Severity.Roman(), strings.Join(added, "、")))
	}
	if ch.Opening.Quiet || c.Ended() {
		return
	}
	// Deadlines gained by a rise in severity may be overdue already.
	defer p.advanceDeadlines(ch, caseMute{inhibitor: inhibitor(*c, ch.Peers, ch.Now)})
	rose := severityRose(c.Schedule.NotifiedSeverity, c.Severity)
	if !rose && !p.spreadCrossed(*c) {
		return
	}
	at := ch.Now
	if !(rose && c.Severity.AtLeast(model.SeverityII)) {
		if next := c.Schedule.LastNotifiedAt.Add(c.Schedule.GroupInterval); next.After(at) {
			at = next
		}
		at = p.calendar.Release(model.AlertUpdate, c.Severity, at)
	}
	if at.After(ch.Now) {
		if c.Schedule.UpdateDueAt.IsZero() || at.Before(c.Schedule.UpdateDueAt) {
			c.Schedule.UpdateDueAt = at
		}
	} else {
		p.sendUpdate(ch)
	}
}

// severityRose reports whether now is more severe than what was told.
func severityRose(told, now model.Severity) bool {
	return now != model.SeverityNone && (told == model.SeverityNone || now < told)
}

// spreadCrossed reports whether the story reached a threshold of sources
// or articles since the department was last told.
func (p *Policy) spreadCrossed(c model.Case) bool {
	return crossed(p.sourceSteps, c.Schedule.NotifiedSources, len(c.Sources)) ||
		crossed(p.articleStep, c.Schedule.NotifiedArticles, c.Articles)
}

func crossed(steps []int, before, now int) bool {
	return slices.ContainsFunc(steps, func(s int) bool { return before < s && s <= now })
}

// sendUpdate tells the department how its case has grown.
func (p *Policy) sendUpdate(ch *model.CaseChange) {
	c := &ch.Case
	var parts []string
	if severityRose(c.Schedule.NotifiedSeverity, c.Severity) {
		parts = append(parts, fmt.Sprintf("等级升至%s（%s）", c.Severity.Roman(), c.Severity.Name()))
	}
	parts = append(parts, fmt.Sprintf("已有 %d 个来源、%d 篇报道", len(c.Sources), c.Articles))
	note := "事态更新：" + strings.Join(parts, "，")
	c.Schedule.Updates++
	p.queue(ch, fmt.Sprintf("update:%d", c.Schedule.Updates), model.AlertUpdate, note, p.receiversOf(c.Department), ch.Now)
	p.markNotified(c, ch.Now)
	c.Schedule.UpdateDueAt = time.Time{}
	p.event(ch, model.AlertUpdate, note)
}

func (p *Policy) markNotified(c *model.Case, at time.Time) {
	s := &c.Schedule
	s.LastNotifiedAt, s.NotifiedSeverity, s.NotifiedArticles, s.NotifiedSources = at, c.Severity, c.Articles, len(c.Sources)
}

// receiversOf returns a department's receivers as configured now.
func (p *Policy) receiversOf(code string) []string {
	return slices.Clone(p.departments[code].Receivers)
}
