package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// buildAlerting compiles the routing tree, the receivers and the case
// policy, and creates the alert stage, the outbox dispatcher, the deadline
// clock (a background loop) and the case console (when HTTP is on).
func (a *App) buildAlerting(o Options) error {
	router, err := alert.CompileRoutes(a.cfg.Route, a.cfg.Departments, a.cfg.Taxonomy.Topics, a.cfg.Receivers)
	if err != nil {
		return err
	}
	a.dispatcher, err = alert.NewDispatcher(alert.DispatchOptions{
		Outbox: a.store, Notifiers: a.notifiers, Retry: a.cfg.Alert.Retry,
		Now: a.now, Logger: a.logger, Registerer: a.registry,
	})
	if err != nil {
		return err
	}
	depts := make(map[string]config.Department, len(a.cfg.Departments))
	for _, d := range a.cfg.Departments {
		depts[d.Code] = d
	}
	links, err := a.buildLinks()
	if err != nil {
		return err
	}
	popts := alert.PolicyOptions{Departments: depts, Alert: a.cfg.Alert, SourceNames: sourceNames(a.cfg.Sources)}
	if links != nil {
		popts.Links = links // a nil *web.Links must not become a non-nil interface
	}
	policy, err := alert.NewPolicy(popts)
	if err != nil {
		return err
	}
	a.warnCalendar(policy.Calendar())
	silences := configSilences(a.cfg.Alert.Silences)
	a.alertSt, err = alert.NewStage(alert.StageOptions{
		Router: router, Departments: depts, Cases: a.store, Policy: policy, Silences: silences,
		OpenAll: a.cfg.Alert.OpenCases == config.OpenCasesAll,
		Kick:    a.dispatcher.Kick, Now: a.now, Logger: a.logger, Registerer: a.registry,
	})
	if err != nil {
		return err
	}
	clock, err := alert.NewTicker(alert.TickerOptions{
		Policy: policy, Cases: a.store, Silences: silences, Interval: a.cfg.Alert.Deadlines.Tick.D(),
		Kick: a.dispatcher.Kick, Now: a.now, Logger: a.logger, Registerer: a.registry,
	})
	if err != nil {
		return err
	}
	a.addLoop("deadline-clock", clock.Run)
	return a.registerConsole(links, silences, policy.Calendar())
}

// sourceNames maps each configured source to the name messages show.
// Disabled sources keep theirs: their earlier items still have cases.
func sourceNames(sources []config.Source) map[string]string {
	out := make(map[string]string, len(sources))
	for _, s := range sources {
		if s.Name != "" {
			out[s.ID] = s.Name
		}
	}
	return out
}

// rateWindowLookback covers the longest span a rate limit can have:
// rate_limit takes per_minute and per_second, and the robots' default
// limits are per minute. Limiters ignore sends their windows cannot see.
const rateWindowLookback = time.Minute

// recentSends reads when each receiver's latest messages went out, for its
// rate limiter to start with: a restart must not forget a burst the robot
// still counts. Without them the limiters start empty, as before.
func (a *App) recentSends() map[string][]time.Time {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sent, err := a.store.SentSince(ctx, a.now().Add(-rateWindowLookback))
	if err != nil {
		a.logger.Warn("rate limits start empty: the messages sent before the restart could not be read", "err", err)
		return nil
	}
	return sent
}

func configSilences(specs []config.SilenceSpec) []model.Silence {
	out := make([]model.Silence, len(specs))
	for i, s := range specs {
		out[i] = s.Model()
	}
	return out
}

// warnCalendar logs when the work calendar lists no holidays for the
// current year: they would be worked through.
func (a *App) warnCalendar(cal *alert.Calendar) {
	year := a.now().In(cal.Location()).Year()
	if !cal.HasYear(year) {
		a.logger.Warn("the work calendar has no holidays for this year; add them (alert.calendar_file)",
			"year", year, "years", cal.Years())
	}
}

// RouteTest routes a label set (topic=real_estate region=通城县 severity=II
// …) through the configuration at path ("" for the built-in one) and
// prints the path taken for each topic, the departments with their roles
// and receivers, the grouping and timing, the deadlines owed and where a
// missed deadline escalates. A label may repeat (or list values with
// commas) to form a set; several topics are routed one by one.
func RouteTest(path string, args []string, w io.Writer) error {
	cfg, err := loadConfig(path)
	if err != nil {
		return err
	}
	router, err := alert.CompileRoutes(cfg.Route, cfg.Departments, cfg.Taxonomy.Topics, cfg.Receivers)
	if err != nil {
		return err
	}
	ti, err := routeTestItem(args)
	if err != nil {
		return err
	}
	rt := routeTester{cfg: cfg, router: router, w: w}
	rt.print(ti)
	return nil
}

func routeTestItem(args []string) (model.TaggedItem, error) {
	ti := model.TaggedItem{Item: model.Item{ID: "route-test"}}
	for _, arg := range args {
		label, value, ok := strings.Cut(arg, "=")
		if !ok {
			return ti, fmt.Errorf("%q: want label=value (labels: topic, region, severity, source, story)", arg)
		}
		values := strings.Split(value, ",")
		switch label {
		case alert.LabelTopic:
			for _, v := range values {
				ti.Analysis.Topics = append(ti.Analysis.Topics, model.TopicMatch{ID: v})
			}
		case alert.LabelRegion:
			ti.Analysis.Regions = append(ti.Analysis.Regions, values...)
		case alert.LabelSeverity:
			sev, err := model.ParseSeverity(value)
			if err != nil {
				return ti, err
			}
			ti.Analysis.Severity = sev
		case alert.LabelSource:
			ti.Item.SourceID = value
		case alert.LabelStory:
			ti.Analysis.StoryID = value
		default:
			return ti, fmt.Errorf("unknown label %q (labels: topic, region, severity, source, story)", label)
		}
	}
	if len(ti.Analysis.Topics) == 0 {
		return ti, errors.New("give at least one topic=… (routing is per topic)")
	}
	return ti, nil
}

type routeTester struct {
	cfg    *config.Config
	router *alert.Router
	w      io.Writer
}

func (rt routeTester) print(ti model.TaggedItem) {
	depts := map[string]config.Department{}
	for _, d := range rt.cfg.Departments {
		depts[d.Code] = d
	}
	for _, topic := range ti.Analysis.TopicIDs() {
		fmt.Fprintf(rt.w, "topic %s:\n", topic)
		for _, m := range rt.router.Match(alert.ItemLabels(ti, topic)) {
			fmt.Fprintf(rt.w, "  matched  %s\n", strings.Join(m.Path, " → "))
		}
	}
	fmt.Fprintln(rt.w, "\ndepartments:")
	for _, d := range rt.router.Route(ti) {
		role := "co-responder"
		if d.Lead {
			role = "lead"
		}
		dep := depts[d.Department]
		fmt.Fprintf(rt.w, "  %-12s %-18s %s  receivers: %s\n", role, d.Department, dep.Name, strings.Join(dep.Receivers, ", "))
		fmt.Fprintf(rt.w, "               path: %s\n", strings.Join(d.Path, " → "))
		g := d.Grouping
		wait := shortDuration(g.Wait)
		if ti.Analysis.Severity.AtLeast(model.SeverityII) {
			wait += " (not for Ⅰ/Ⅱ: sent at once)"
		}
		fmt.Fprintf(rt.w, "               group %s; group_wait %s, group_interval %s, repeat_interval %s\n",
			alert.GroupKey(d, ti), wait, shortDuration(g.Interval), shortDuration(g.Repeat))
	}
	rt.printDeadlines(ti.Analysis.Severity, depts)
}

func (rt routeTester) printDeadlines(sev model.Severity, depts map[string]config.Department) {
	d := rt.cfg.Alert.Deadlines
	name := "not assessed"
	if sev != model.SeverityNone {
		name = sev.String() + " " + sev.Name()
	}
	fmt.Fprintf(rt.w, "\ndeadlines (severity %s), counted from the story's earliest known time:\n", name)
	for _, r := range d.Rules {
		for _, s := range r.Severities {
			if rs, err := config.ParseRuleSeverity(s); err == nil && rs == sev {
				fmt.Fprintf(rt.w, "  %s (%s) within %s\n", r.Name, r.Kind, shortDuration(r.Within.D()))
			}
		}
	}
	pcts := make([]string, len(d.Reminders))
	for i, p := range d.Reminders {
		pcts[i] = fmt.Sprintf("%d%%", p)
	}
	fmt.Fprintf(rt.w, "  reminders at %s; at 100%% escalated to %s %s\n", strings.Join(pcts, ", "), d.EscalateTo, depts[d.EscalateTo].Name)
}

// shortDuration writes 5h, 90m, 2d or 30s rather than 5h0m0s.
func shortDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}
