package analyze

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/internal/prom"

	"github.com/yuqing/yuqing/model"
)

// Results counted by yuqing_analyze_items_total.
const (
	resultTagged    = "tagged"    // stored for the first time, with topics
	resultUntagged  = "untagged"  // stored for the first time, no topic
	resultDuplicate = "duplicate" // already stored: a redelivery
	resultRejected  = "rejected"  // malformed, will not be retried
	resultFailed    = "failed"    // store or publish failed, will be retried
)

// StageOptions are what a Stage needs. Analyzer, Store and Publisher are
// required; the rest may be left zero.
type StageOptions struct {
	Analyzer  *Analyzer
	Store     Store
	Publisher Publisher
	// Stories groups articles into stories; nil makes every article a
	// story of its own, without an id.
	Stories StoryStore
	// StoryWindow is how long after its last article a story can still be
	// joined (default 7 days).
	StoryWindow time.Duration
	Logger      *slog.Logger
	// Registerer receives the stage's metrics; nil keeps them unregistered.
	Registerer prometheus.Registerer
	// Clock times the analysis; nil means time.Now.
	Clock func() time.Time
}

// Stage analyzes items from the ITEMS stream, stores them and hands them on
// to the TAGGED stream.
type Stage struct {
	analyzer    *Analyzer
	store       Store
	publisher   Publisher
	stories     StoryStore
	storyWindow time.Duration
	log         *slog.Logger
	now         func() time.Time
	metrics     stageMetrics
}

type stageMetrics struct {
	items    *prometheus.CounterVec
	topics   *prometheus.CounterVec
	duration prometheus.Histogram
}

// NewStage checks its dependencies and registers the stage's metrics.
func NewStage(opts StageOptions) (*Stage, error) {
	if opts.Analyzer == nil || opts.Store == nil || opts.Publisher == nil {
		return nil, errors.New("analyze: new stage: Analyzer, Store and Publisher are required")
	}
	s := &Stage{
		analyzer:    opts.Analyzer,
		store:       opts.Store,
		publisher:   opts.Publisher,
		stories:     opts.Stories,
		storyWindow: opts.StoryWindow,
		log:         opts.Logger,
		now:         opts.Clock,
	}
	if s.storyWindow <= 0 {
		s.storyWindow = config.DefaultStoryWindow
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s.log = s.log.With("component", "analyze")
	if s.now == nil {
		s.now = time.Now
	}
	m, err := newStageMetrics(opts.Registerer, opts.Analyzer.TopicIDs())
	if err != nil {
		return nil, err
	}
	s.metrics = m
	return s, nil
}

func newStageMetrics(reg prometheus.Registerer, topicIDs []string) (stageMetrics, error) {
	m := stageMetrics{
		items: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_analyze_items_total",
			Help: "Items handled by the analyze stage, by result (tagged, untagged, duplicate, rejected, failed).",
		}, []string{"result"}),
		topics: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_analyze_topics_total",
			Help: "Topic tags given to newly stored items, by topic id.",
		}, []string{"topic"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "yuqing_analyze_duration_seconds",
			Help:    "Time to segment and analyze one item.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 4, 8), // 0.1 ms … 1.6 s
		}),
	}
	for _, r := range []string{resultTagged, resultUntagged, resultDuplicate, resultRejected, resultFailed} {
		m.items.WithLabelValues(r)
	}
	for _, id := range topicIDs {
		m.topics.WithLabelValues(id)
	}
	if reg == nil {
		return m, nil
	}
	var err error
	m.items, err = prom.Register(reg, m.items)
	if err != nil {
		return m, err
	}
	m.topics, err = prom.Register(reg, m.topics)
	if err != nil {
		return m, err
	}
	m.duration, err = prom.Register(reg, m.duration)
	return m, err
}

// Handle analyzes one item, stores it and publishes it. It publishes even
// when the store already had the item: an earlier attempt may have stopped
// between saving and publishing, and downstream drops duplicates. An item
// without id, or without title and content, is a permanent error.
func (s *Stage) Handle(ctx context.Context, it model.Item) error {
	if err := checkItem(it); err != nil {
		s.metrics.items.WithLabelValues(resultRejected).Inc()
		s.log.WarnContext(ctx, "rejected item", "item_id", it.ID, "source", it.SourceID, "error", err)
		return err
	}
	start := s.now()
	ex := s.analyzer.examine(it)
	s.metrics.duration.Observe(s.now().Sub(start).Seconds())

	// The story comes before the item is saved and published, so that the
	// tagged item carries its story id and severity counts its spread.
	var spread model.StorySpread
	if s.stories != nil {
		var err error
		m := ex.member()
		if m.At.IsZero() {
			m.At = s.now()
		}
		spread, err = s.stories.AssignStory(ctx, m, m.At.Add(-s.storyWindow), s.analyzer.matcher(ex))
		if err != nil {
			s.metrics.items.WithLabelValues(resultFailed).Inc()
			return fmt.Errorf("analyze: assign story of item %s: %w", it.ID, err)
		}
	}
	an := s.analyzer.finish(ex, spread)
	s.analyzer.release(ex)
	tagged := model.TaggedItem{Item: it, Analysis: an}
	inserted, err := s.store.SaveTagged(ctx, tagged)
	if err != nil {
		s.metrics.items.WithLabelValues(resultFailed).Inc()
		return fmt.Errorf("analyze: save item %s: %w", it.ID, err)
	}
	if err := s.publisher.PublishTagged(ctx, tagged); err != nil {
		s.metrics.items.WithLabelValues(resultFailed).Inc()
		return fmt.Errorf("analyze: publish item %s: %w", it.ID, err)
	}
	s.count(inserted, an)
	s.log.DebugContext(ctx, "analyzed item", "item_id", it.ID, "topics", an.TopicIDs(),
		"regions", an.Regions, "severity", an.Severity.String(), "story_id", an.StoryID, "inserted", inserted)
	return nil
}

// count records a handled item. Topics are counted only the first time an
// item is stored, so redeliveries do not inflate them.
func (s *Stage) count(inserted bool, an model.Analysis) {
	switch {
	case !inserted:
		s.metrics.items.WithLabelValues(resultDuplicate).Inc()
	case len(an.Topics) > 0:
		s.metrics.items.WithLabelValues(resultTagged).Inc()
	default:
		s.metrics.items.WithLabelValues(resultUntagged).Inc()
	}
	if inserted {
		for _, t := range an.Topics {
			s.metrics.topics.WithLabelValues(t.ID).Inc()
		}
	}
}

func checkItem(it model.Item) error {
	switch {
	case it.ID == "":
		return model.Permanent(errors.New("analyze: handle item: empty id"))
	case strings.TrimSpace(it.Title) == "" && strings.TrimSpace(it.Content) == "":
		return model.Permanent(fmt.Errorf("analyze: handle item %s: no title and no content", it.ID))
	}
	return nil
}
