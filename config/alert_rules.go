package config

import (
	"fmt"
	"slices"
	"time"

	"github.com/yuqing/yuqing/model"
)

// defaultCalendar is the built-in work calendar in package configs.
const defaultCalendar = "calendar.yaml"

// minTokenLength keeps department tokens out of guessing range.
const minTokenLength = 16

// minLinkSecret is the shortest configured HMAC key for action links.
const minLinkSecret = 32

// loadAlertingRules reads the alerting side's further files (the work
// calendar) and fills the defaults of the alert section.
func (l *loader) loadAlertingRules(c *Config) {
	a := &c.Alert
	if a.Coordinator == "" {
		a.Coordinator = c.Route.Department
	}
	d := &a.Deadlines
	if d.EscalateTo == "" {
		d.EscalateTo = a.Coordinator
	}
	if !l.main.has("alert", "deadlines", "rules") {
		d.Rules = DefaultDeadlineRules()
	}
	for i := range d.Rules {
		d.Rules[i].Pos = l.main.pos("alert", "deadlines", "rules", i)
		if d.Rules[i].Name == "" {
			d.Rules[i].Name = DeadlineNames[d.Rules[i].Kind]
		}
	}
	if !l.main.has("alert", "deadlines", "reminders") {
		d.Reminders = DefaultReminders()
	}
	if d.MaxBackdate == 0 {
		d.MaxBackdate = Duration(DefaultMaxBackdate)
	}
	if d.Tick == 0 {
		d.Tick = Duration(DefaultTick)
	}
	defaults := DefaultUpdates()
	if !l.main.has("alert", "updates", "sources") {
		a.Updates.Sources = defaults.Sources
	}
	if !l.main.has("alert", "updates", "articles") {
		a.Updates.Articles = defaults.Articles
	}
	if a.Links.TTL == 0 {
		a.Links.TTL = Duration(DefaultLinkTTL)
	}
	for i := range a.Silences {
		a.Silences[i].Pos = l.main.pos("alert", "silences", i)
	}
	l.loadCalendar(c)
}

func (l *loader) loadCalendar(c *Config) {
	data, file, ok := l.readRef(c.Alert.CalendarFile, defaultCalendar, "alert", "calendar_file")
	if !ok {
		return
	}
	cal := &c.Alert.Calendar
	d := l.decode(data, file, cal)
	cal.File = file
	if cal.Timezone == "" {
		cal.Timezone = DefaultTimezone
	}
	if !d.has("weekend") {
		cal.Weekend = DefaultWeekend()
	}
	if !d.has("routine") {
		cal.Routine = DefaultRoutine()
	}
	for i := range cal.Holidays {
		cal.Holidays[i].Pos = d.pos("holidays", i)
	}
	for _, p := range checkCalendar(*cal) {
		d.problem(&l.problems, p.Msg, p.path...)
	}
}

// calendarProblem is a problem of a calendar with its path in the file.
type calendarProblem struct {
	Msg  string
	path []any
}

// routineKinds are the message kinds the calendar may hold back.
var routineKinds = []string{model.AlertUpdate, model.AlertRepeat, model.AlertReminder, model.AlertEscalation}

// checkCalendar returns what is wrong with a calendar, each problem with
// its path in the calendar file.
func checkCalendar(cal Calendar) []calendarProblem {
	var ps []calendarProblem
	add := func(msg string, path ...any) { ps = append(ps, calendarProblem{msg, path}) }
	if _, err := cal.LoadLocation(); err != nil {
		add(err.Error(), "timezone")
	}
	for i, day := range cal.Weekend {
		if _, ok := ParseWeekday(day); !ok {
			add(fmt.Sprintf("weekend: %q is not a day of the week (monday … sunday)", day), "weekend", i)
		}
	}
	for i, kind := range cal.Routine {
		if !slices.Contains(routineKinds, kind) {
			add(fmt.Sprintf("routine: %q is not a message kind the calendar can hold back (update, repeat, reminder, escalation)", kind), "routine", i)
		}
	}
	if q := cal.QuietHours; q != nil && q.From == q.To {
		add("quiet_hours: from and to are the same time; remove quiet_hours for none", "quiet_hours")
	}
	for i, h := range cal.Holidays {
		if h.To.Before(h.From) {
			add(fmt.Sprintf("holiday %s: ends (%s) before it starts (%s)", h.Name, h.To, h.From), "holidays", i)
		}
		if h.Name == "" {
			add("holiday without a name", "holidays", i)
		}
	}
	return ps
}

// Values of alert.open_cases.
const (
	OpenCasesNegative = "negative"
	OpenCasesAll      = "all"
)

// validateAlertingRules checks the alert section against the departments,
// the taxonomy and the sources: every reference must resolve.
func (l *loader) validateAlertingRules(c *Config, depts map[string]bool) {
	a, m := c.Alert, l.main
	for _, ref := range []struct {
		code string
		path []any
	}{
		{a.Coordinator, []any{"alert", "coordinator"}},
		{a.Deadlines.EscalateTo, []any{"alert", "deadlines", "escalate_to"}},
	} {
		if ref.code != "" && !depts[ref.code] {
			m.problem(&l.problems, fmt.Sprintf("%s names department %q, which is not defined", dotted(ref.path), ref.code), ref.path...)
		}
	}
	if a.OpenCases != "" && !oneOf(a.OpenCases, OpenCasesNegative, OpenCasesAll) {
		m.problem(&l.problems, fmt.Sprintf("alert.open_cases %q: want %s or %s", a.OpenCases, OpenCasesNegative, OpenCasesAll), "alert", "open_cases")
	}
	l.validateDeadlines(a.Deadlines)
	for name, list := range map[string][]int{"sources": a.Updates.Sources, "articles": a.Updates.Articles} {
		if !ascendingPositive(list, 0) {
			m.problem(&l.problems, fmt.Sprintf("alert.updates.%s must be positive numbers in ascending order", name), "alert", "updates", name)
		}
	}
	if a.Links.Secret != "" && a.Links.SecretFile != "" {
		m.problem(&l.problems, "set alert.links.secret or alert.links.secret_file, not both", "alert", "links")
	}
	if n := len(a.Links.Secret.Reveal()); n > 0 && n < minLinkSecret {
		m.problem(&l.problems, fmt.Sprintf("alert.links.secret is %d characters; use at least %d random ones", n, minLinkSecret), "alert", "links", "secret")
	}
	if ttl := a.Links.TTL.D(); ttl != 0 && ttl < time.Hour {
		m.problem(&l.problems, fmt.Sprintf("alert.links.ttl %s is too short for an officer to act (minimum 1h)", a.Links.TTL), "alert", "links", "ttl")
	}
	l.validateSilences(c)
	l.validateTokens(c)
}

func (l *loader) validateDeadlines(d Deadlines) {
	m := l.main
	seen := map[string]bool{}
	for i, r := range d.Rules {
		path := []any{"alert", "deadlines", "rules", i}
		if _, ok := DeadlineNames[r.Kind]; !ok {
			m.problem(&l.problems, fmt.Sprintf("deadline kind %q: want first_info, press_conference or response", r.Kind), append(path, "kind")...)
		}
		if r.Within <= 0 {
			m.problem(&l.problems, fmt.Sprintf("deadline %s needs a positive within", r.Kind), path...)
		}
		if len(r.Severities) == 0 {
			m.problem(&l.problems, fmt.Sprintf("deadline %s applies to no severity (list I, II, III, IV or none)", r.Kind), path...)
		}
		for _, s := range r.Severities {
			sev, err := ParseRuleSeverity(s)
			if err != nil {
				m.problem(&l.problems, fmt.Sprintf("deadline %s: %v (or none for not assessed)", r.Kind, err), append(path, "severities")...)
				continue
			}
			key := r.Kind + "/" + sev.String()
			if seen[key] {
				m.problem(&l.problems, fmt.Sprintf("deadline %s is given twice for severity %s", r.Kind, s), append(path, "severities")...)
			}
			seen[key] = true
		}
	}
	if !ascendingPositive(d.Reminders, 100) {
		m.problem(&l.problems, "alert.deadlines.reminders must be percentages between 1 and 99 in ascending order", "alert", "deadlines", "reminders")
	}
	if d.MaxBackdate < 0 || d.Tick < 0 {
		m.problem(&l.problems, "alert.deadlines durations must not be negative", "alert", "deadlines")
	}
}

func (l *loader) validateSilences(c *Config) {
	topics := map[string]bool{}
	for _, t := range c.Taxonomy.Topics {
		topics[t.ID] = true
	}
	sources := map[string]bool{}
	for _, s := range c.Sources {
		sources[s.ID] = true
	}
	for i, s := range c.Alert.Silences {
		path := []any{"alert", "silences", i}
		if err := s.Model().Validate(); err != nil {
			l.main.problem(&l.problems, fmt.Sprintf("silence: %v", err), path...)
		}
		if s.Topic != "" && !topics[s.Topic] {
			l.main.problem(&l.problems, fmt.Sprintf("silence names topic %q, which is not in the taxonomy", s.Topic), append(path, "topic")...)
		}
		if s.Source != "" && !sources[s.Source] {
			l.main.problem(&l.problems, fmt.Sprintf("silence names source %q, which is not configured", s.Source), append(path, "source")...)
		}
	}
}

func (l *loader) validateTokens(c *Config) {
	seen := map[string]string{}
	for i, dep := range c.Departments {
		tok := dep.Token.Reveal()
		if tok == "" {
			continue
		}
		if len(tok) < minTokenLength {
			l.departments.problem(&l.problems, fmt.Sprintf("department %s: token must have at least %d characters", dep.Code, minTokenLength), "departments", i, "token")
		}
		if other, dup := seen[tok]; dup {
			l.departments.problem(&l.problems, fmt.Sprintf("department %s has the same token as %s", dep.Code, other), "departments", i, "token")
		}
		seen[tok] = dep.Code
	}
}

// ascendingPositive reports whether xs is strictly ascending, every value
// above 0 and (when limit > 0) below limit.
func ascendingPositive(xs []int, limit int) bool {
	for i, x := range xs {
		if x <= 0 || limit > 0 && x >= limit || i > 0 && x <= xs[i-1] {
			return false
		}
	}
	return true
}
