package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/internal/prom"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// StageOptions configures a Stage. Router, Departments and Cases are
// required; the rest are optional.
type StageOptions struct {
	Router *Router
	// Departments maps a department code to its configuration; it must
	// hold every department the router can choose.
	Departments map[string]config.Department
	Cases       CaseStore
	// Policy decides deadlines and messages (nil: the statutory defaults
	// with no calendar and no action links).
	Policy *Policy
	// Silences are the configured ones; the store's are read per item.
	Silences []model.Silence
	// OpenAll opens cases for every routed item; otherwise only items that
	// warrant a response open one (see warrantsCase).
	OpenAll bool
	// Kick wakes the dispatcher when new deliveries were queued (usually
	// Dispatcher.Kick). Nil: the dispatcher finds them on its next poll.
	Kick       func()
	Now        func() time.Time
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Stage turns tagged items into cases: it routes an item, records it in one
// case per chosen department and story (opening the case, or growing it),
// and wakes the dispatcher when messages were queued.
type Stage struct {
	router      *Router
	departments map[string]config.Department
	cases       CaseStore
	policy      *Policy
	silences    []model.Silence
	openAll     bool
	kick        func()
	now         func() time.Time
	log         *slog.Logger

	itemsRouted   prometheus.Counter
	itemsUnrouted prometheus.Counter
	itemsSilenced prometheus.Counter
	casesOpened   *prometheus.CounterVec
	casesGrown    *prometheus.CounterVec
}

// NewStage checks the options and registers the stage's metrics.
func NewStage(o StageOptions) (*Stage, error) {
	switch {
	case o.Router == nil:
		return nil, errors.New("alert: new stage: no router")
	case o.Cases == nil:
		return nil, errors.New("alert: new stage: no case store")
	}
	for _, code := range o.Router.Departments() {
		if _, ok := o.Departments[code]; !ok {
			return nil, fmt.Errorf("alert: new stage: department %q is routed to but not configured", code)
		}
	}
	if o.Policy == nil {
		p, err := NewPolicy(PolicyOptions{Departments: o.Departments})
		if err != nil {
			return nil, fmt.Errorf("alert: new stage: %w", err)
		}
		o.Policy = p
	}
	s := &Stage{
		router:      o.Router,
		departments: o.Departments,
		cases:       o.Cases,
		policy:      o.Policy,
		silences:    o.Silences,
		openAll:     o.OpenAll,
		kick:        o.Kick,
		now:         o.Now,
		log:         orDiscard(o.Logger).With("component", "alert"),
	}
	if s.kick == nil {
		s.kick = func() {}
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := s.registerMetrics(o.Registerer); err != nil {
		return nil, fmt.Errorf("alert: new stage: %w", err)
	}
	return s, nil
}

func (s *Stage) registerMetrics(reg prometheus.Registerer) error {
	counter := func(name, help string) (prometheus.Counter, error) {
		return prom.Register(reg, prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help}))
	}
	byDepartment := func(name, help string) (*prometheus.CounterVec, error) {
		return prom.Register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{"department"}))
	}
	var errs [5]error
	s.itemsRouted, errs[0] = counter("yuqing_alert_items_routed_total",
		"Tagged items routed to at least one department, with their cases stored.")
	s.itemsUnrouted, errs[1] = counter("yuqing_alert_items_unrouted_total",
		"Tagged items that went to no department (no topic matched).")
	s.itemsSilenced, errs[2] = counter("yuqing_alert_items_silenced_total",
		"Tagged items whose every topic a silence muted.")
	s.casesOpened, errs[3] = byDepartment("yuqing_alert_cases_opened_total", "Cases opened, by department.")
	s.casesGrown, errs[4] = byDepartment("yuqing_alert_cases_grown_total",
		"Articles added to an existing case of their story, by department.")
	return errors.Join(errs[:]...)
}

// Handle routes one tagged item and records it in its cases. Handling the
// same item again changes nothing (the store attaches an item to a case
// once), so a redelivered message is harmless. An item without an id is a
// permanent error (model.ErrPermanent); a store failure is not.
func (s *Stage) Handle(ctx context.Context, t model.TaggedItem) error {
	if t.Item.ID == "" {
		return model.Permanent(errors.New("alert: handle item: empty item id"))
	}
	now := s.now()
	routed, quiet, err := s.unmuted(ctx, t, now)
	if err != nil {
		return err
	}
	if !quiet && !s.openAll && !warrantsCase(t.Analysis) {
		// Still recorded: it grows the cases its story already has.
		quiet = true
		s.log.Debug("item opens no case: neither negative nor severe", "item_id", t.Item.ID,
			"sentiment", t.Analysis.Sentiment, "severity", t.Analysis.Severity.String())
	}
	decisions := s.router.Route(routed)
	if len(decisions) == 0 {
		s.itemsUnrouted.Inc()
		s.log.Debug("item routed nowhere", "item_id", t.Item.ID, "topics", t.Analysis.TopicIDs())
		return nil
	}
	openings := make([]model.CaseOpening, 0, len(decisions))
	for _, d := range decisions {
		dep, ok := s.departments[d.Department]
		if !ok {
			// NewStage checked the router's departments; this is a bug.
			return model.Permanent(fmt.Errorf("alert: handle item %s: department %q is not configured", t.Item.ID, d.Department))
		}
		openings = append(openings, model.CaseOpening{Department: d.Department,
			DepartmentName: dep.Name, Receivers: slices.Clone(dep.Receivers), Lead: d.Lead,
			Topics: slices.Clone(d.Topics), Path: slices.Clone(d.Path), GroupKey: GroupKey(d, t),
			GroupWait: d.Grouping.Wait, GroupInterval: d.Grouping.Interval, RepeatInterval: d.Grouping.Repeat,
			Quiet: quiet})
	}
	changes, err := s.cases.RecordStory(ctx, t, openings, now, s.policy.Plan)
	if err != nil {
		return fmt.Errorf("alert: record item %s: %w", t.Item.ID, err)
	}
	s.itemsRouted.Inc()
	if s.report(t, changes) {
		s.kick()
	}
	return nil
}

// unmuted returns the item with the topics silences mute removed, for
// routing. When every topic is muted it returns the item unchanged and
// quiet: it may grow existing cases but opens none and sends nothing.
func (s *Stage) unmuted(ctx context.Context, t model.TaggedItem, now time.Time) (model.TaggedItem, bool, error) {
	stored, err := s.cases.ActiveSilences(ctx, now)
	if err != nil {
		return t, false, fmt.Errorf("alert: read silences: %w", err)
	}
	muted := mutedTopics(t, activeSilences(append(stored, s.silences...), now))
	if len(muted) == 0 {
		return t, false, nil
	}
	routed := t
	routed.Analysis.Topics = slices.DeleteFunc(slices.Clone(t.Analysis.Topics), func(tm model.TopicMatch) bool {
		return slices.Contains(muted, tm.ID)
	})
	if len(routed.Analysis.Topics) > 0 {
		s.log.Info("topics silenced", "item_id", t.Item.ID, "topics", muted)
		return routed, false, nil
	}
	s.itemsSilenced.Inc()
	s.log.Info("item silenced", "item_id", t.Item.ID, "title", t.Item.Title, "topics", muted)
	return t, true, nil
}

// report logs and counts the changes; it returns whether messages were
// queued.
func (s *Stage) report(t model.TaggedItem, changes []model.CaseChange) bool {
	queued := false
	for _, ch := range changes {
		c := ch.Case
		if ch.Opened {
			s.casesOpened.WithLabelValues(c.Department).Inc()
			s.log.Info("case opened", "case_id", c.ID, "department", c.Department,
				"department_name", s.departments[c.Department].Name, "lead", c.Lead,
				"item_id", t.Item.ID, "title", t.Item.Title, "topics", c.Topics, "severity", c.Severity.String())
		} else {
			s.casesGrown.WithLabelValues(c.Department).Inc()
			s.log.Debug("case grew", "case_id", c.ID, "department", c.Department, "item_id", t.Item.ID,
				"articles", c.Articles, "sources", len(c.Sources), "severity", c.Severity.String())
		}
		queued = queued || len(ch.Messages) > 0
	}
	return queued
}

// GroupKey names the group of a decision's case: the department and the
// values of the route's group_by labels.
func GroupKey(d Decision, t model.TaggedItem) string {
	parts := []string{d.Department}
	labels := ItemLabels(t, "")
	for _, label := range d.Grouping.By {
		values := labels[label]
		if label == LabelTopic {
			values = d.Topics
		}
		values = slices.Clone(values)
		slices.Sort(values)
		parts = append(parts, label+"="+strings.Join(slices.Compact(values), ","))
	}
	return strings.Join(parts, "|")
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

// warrantsCase reports whether an item calls for a response by itself: a
// negative item, or one assessed 较大 (Ⅲ) or worse whatever its tone. A
// government notice or a word of praise in a hot-topic area is monitored
// and reported, but owes no response.
func warrantsCase(a model.Analysis) bool {
	return a.Sentiment == model.SentimentNegative || a.Severity.AtLeast(model.SeverityIII)
}
