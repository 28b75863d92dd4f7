package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
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
	// Kick wakes the dispatcher when new deliveries were queued (usually
	// Dispatcher.Kick). Nil: the dispatcher finds them on its next poll.
	Kick       func()
	Now        func() time.Time
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Stage turns tagged items into cases: it routes an item, opens one case per
// chosen department (with its outbox deliveries) and wakes the dispatcher.
type Stage struct {
	router      *Router
	departments map[string]config.Department
	cases       CaseStore
	kick        func()
	now         func() time.Time
	log         *slog.Logger

	itemsRouted   prometheus.Counter
	itemsUnrouted prometheus.Counter
	casesOpened   *prometheus.CounterVec
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
	s := &Stage{
		router:      o.Router,
		departments: o.Departments,
		cases:       o.Cases,
		kick:        o.Kick,
		now:         o.Now,
		log:         orDiscard(o.Logger).With("component", "alert"),
		itemsRouted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "yuqing_alert_items_routed_total",
			Help: "Tagged items routed to at least one department, with their cases stored.",
		}),
		itemsUnrouted: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "yuqing_alert_items_unrouted_total",
			Help: "Tagged items that went to no department (no topic matched).",
		}),
		casesOpened: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_alert_cases_opened_total",
			Help: "Cases opened, by department.",
		}, []string{"department"}),
	}
	if s.kick == nil {
		s.kick = func() {}
	}
	if s.now == nil {
		s.now = time.Now
	}
	var err error
	if s.itemsRouted, err = prom.Register(o.Registerer, s.itemsRouted); err != nil {
		return nil, fmt.Errorf("alert: new stage: %w", err)
	}
	if s.itemsUnrouted, err = prom.Register(o.Registerer, s.itemsUnrouted); err != nil {
		return nil, fmt.Errorf("alert: new stage: %w", err)
	}
	if s.casesOpened, err = prom.Register(o.Registerer, s.casesOpened); err != nil {
		return nil, fmt.Errorf("alert: new stage: %w", err)
	}
	return s, nil
}

// Handle routes one tagged item and opens its cases. Handling the same item
// again opens nothing new (the store keeps one case per item and
// department), so a redelivered message is harmless. An item without an id
// is a permanent error (model.ErrPermanent); a store failure is not.
func (s *Stage) Handle(ctx context.Context, t model.TaggedItem) error {
	if t.Item.ID == "" {
		return model.Permanent(errors.New("alert: handle item: empty item id"))
	}
	decisions := s.router.Route(t)
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
			Topics: slices.Clone(d.Topics)})
	}
	created, err := s.cases.OpenCases(ctx, t, openings, s.now())
	if err != nil {
		return fmt.Errorf("alert: open cases for item %s: %w", t.Item.ID, err)
	}
	s.itemsRouted.Inc()
	for _, c := range created {
		s.casesOpened.WithLabelValues(c.Department).Inc()
		s.log.Info("case opened", "case_id", c.ID, "department", c.Department,
			"department_name", s.departments[c.Department].Name, "lead", c.Lead,
			"item_id", t.Item.ID, "title", t.Item.Title, "topics", c.Topics)
	}
	if len(created) > 0 {
		s.kick()
	}
	return nil
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
