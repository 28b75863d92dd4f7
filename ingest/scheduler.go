package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// Scheduling defaults, used where config.Ingest leaves a field zero.
const (
	DefaultInterval    = 5 * time.Minute
	DefaultMaxBackoff  = 6 * time.Hour
	DefaultConcurrency = 4
)

const (
	// maxJitter bounds config.Ingest.Jitter: beyond ±50% a wait could
	// shrink to nothing.
	maxJitter = 0.5
	// maxRetryAfter bounds how long a server's Retry-After can silence a
	// source (unless MaxBackoff is longer): a source is never dropped.
	maxRetryAfter = 24 * time.Hour
	// shutdownGrace is how long an interrupted poll may go on publishing
	// and saving what it already fetched.
	shutdownGrace = 5 * time.Second
)

// Options configure a Scheduler. Publisher and State are required.
type Options struct {
	Config     config.Ingest
	Sources    []model.Source
	Publisher  Publisher
	State      StateStore
	Logger     *slog.Logger
	Registerer prometheus.Registerer
	Now        func() time.Time // default time.Now
	Rand       func() float64   // jitter source in [0,1); default math/rand/v2
}

// PollResult says what one poll did.
type PollResult struct {
	SourceID    string
	NotModified bool
	// Parsed is the number of items in the feed, Published the number of
	// them that were new and handed to the publisher.
	Parsed    int
	Published int
	// Health is the source's health after the poll, as saved.
	Health model.SourceHealth
}

// Scheduler polls each source on its interval, publishes new items, and
// keeps every source's health. A failing source is retried with
// exponential backoff for as long as it fails; it is never dropped.
type Scheduler struct {
	sources     []model.Source
	publisher   Publisher
	state       StateStore
	fetcher     *Fetcher
	log         *slog.Logger
	metrics     *metrics
	now         func() time.Time
	rand        func() float64
	interval    time.Duration
	jitter      float64
	maxBackoff  time.Duration
	concurrency int
	// busy serialises polls of one source (Run and a manual PollOnce).
	busy map[string]*sync.Mutex
	// after waits in Run; tests replace it to drive time themselves.
	after func(time.Duration) <-chan time.Time
}

// NewScheduler checks the options and applies defaults.
func NewScheduler(o Options) (*Scheduler, error) {
	if o.Publisher == nil || o.State == nil {
		return nil, errors.New("ingest: new scheduler: Publisher and State are required")
	}
	busy := make(map[string]*sync.Mutex, len(o.Sources))
	for _, src := range o.Sources {
		if err := checkSource(src, busy); err != nil {
			return nil, fmt.Errorf("ingest: new scheduler: %w", err)
		}
		busy[src.ID] = &sync.Mutex{}
	}
	m, err := newMetrics(o.Registerer)
	if err != nil {
		return nil, err
	}
	s := &Scheduler{
		sources:     append([]model.Source(nil), o.Sources...),
		publisher:   o.Publisher,
		state:       o.State,
		log:         o.Logger,
		metrics:     m,
		now:         o.Now,
		rand:        o.Rand,
		interval:    positiveOr(o.Config.Interval.D(), DefaultInterval),
		jitter:      min(max(o.Config.Jitter, 0), maxJitter),
		maxBackoff:  positiveOr(o.Config.MaxBackoff.D(), DefaultMaxBackoff),
		concurrency: o.Config.Concurrency,
		busy:        busy,
		after:       time.After,
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("component", "ingest")
	if s.now == nil {
		s.now = time.Now
	}
	if s.rand == nil {
		s.rand = rand.Float64
	}
	if s.concurrency <= 0 {
		s.concurrency = DefaultConcurrency
	}
	s.fetcher = NewFetcher(o.Config, s.now)
	for _, src := range s.sources {
		s.metrics.consecutiveFailures.WithLabelValues(src.ID).Set(0)
	}
	return s, nil
}

func checkSource(src model.Source, seen map[string]*sync.Mutex) error {
	switch {
	case src.ID == "":
		return fmt.Errorf("source %q has no id", src.URL)
	case seen[src.ID] != nil:
		return fmt.Errorf("source id %q is used twice", src.ID)
	case src.URL == "":
		return fmt.Errorf("source %s has no URL", src.ID)
	case src.Kind != "" && src.Kind != model.SourceFeed:
		return fmt.Errorf("source %s: kind %q is not supported (want %q)", src.ID, src.Kind, model.SourceFeed)
	}
	return nil
}

func positiveOr(d, fallback time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return fallback
}

// Run polls the sources until ctx is done, at most Concurrency at once.
// Each source is first polled at start, unless its stored health asks for
// a later poll (that is respected across restarts). On cancellation Run
// waits for the polls in flight, whose fetches are cancelled but which may
// still save what they did, and returns nil.
func (s *Scheduler) Run(ctx context.Context) error {
	due := s.initialSchedule(ctx)
	done := make(chan scheduled)
	running := make(map[string]bool, s.concurrency)
	for {
		now := s.now()
		for _, src := range s.dueSources(due, running, now) {
			running[src.ID] = true
			go func() {
				done <- scheduled{src.ID, s.pollForRun(ctx, src)}
			}()
		}
		var wake <-chan time.Time
		if len(running) < s.concurrency {
			if next, ok := earliest(due, running); ok {
				wake = s.after(max(next.Sub(now), 0))
			}
		}
		select {
		case <-ctx.Done():
			for range running {
				<-done
			}
			return nil
		case d := <-done:
			delete(running, d.sourceID)
			due[d.sourceID] = d.at
		case <-wake:
		}
	}
}

// scheduled is when a source is to be polled next.
type scheduled struct {
	sourceID string
	at       time.Time
}

// initialSchedule reads the stored NextPollAt of each source, bounded by
// the longest wait the current configuration would choose (an interval
// shortened since the last run takes effect at once for healthy sources).
func (s *Scheduler) initialSchedule(ctx context.Context) map[string]time.Time {
	now := s.now()
	due := make(map[string]time.Time, len(s.sources))
	for _, src := range s.sources {
		due[src.ID] = now
		h, err := s.state.SourceHealth(ctx, src.ID)
		if err != nil {
			if !errors.Is(err, model.ErrNotFound) {
				s.log.Warn("cannot read source health; polling now", "source", src.ID, "error", err)
			}
			continue
		}
		s.metrics.consecutiveFailures.WithLabelValues(src.ID).Set(float64(h.ConsecutiveFailures))
		if h.NextPollAt.After(now) {
			due[src.ID] = minTime(h.NextPollAt, now.Add(s.longestWait(src, h.ConsecutiveFailures)))
		}
	}
	return due
}

// dueSources returns the sources to start now, earliest due first, within
// the free concurrency slots.
func (s *Scheduler) dueSources(due map[string]time.Time, running map[string]bool, now time.Time) []model.Source {
	var ready []model.Source
	for _, src := range s.sources {
		if !running[src.ID] && !due[src.ID].After(now) {
			ready = append(ready, src)
		}
	}
	sort.SliceStable(ready, func(i, j int) bool { return due[ready[i].ID].Before(due[ready[j].ID]) })
	return ready[:min(len(ready), s.concurrency-len(running))]
}

func earliest(due map[string]time.Time, running map[string]bool) (time.Time, bool) {
	var next time.Time
	found := false
	for id, at := range due {
		if !running[id] && (!found || at.Before(next)) {
			next, found = at, true
		}
	}
	return next, found
}

// pollForRun polls and returns when to poll next. A poll cut short by
// shutdown saved nothing; its next time does not matter.
func (s *Scheduler) pollForRun(ctx context.Context, src model.Source) time.Time {
	res, _ := s.PollOnce(ctx, src)
	if res.Health.NextPollAt.IsZero() {
		return s.now().Add(s.jittered(s.sourceInterval(src)))
	}
	return res.Health.NextPollAt
}

func (s *Scheduler) sourceInterval(src model.Source) time.Duration {
	return positiveOr(src.Interval, s.interval)
}

// jittered spreads d by ±jitter so sources do not poll in lockstep.
func (s *Scheduler) jittered(d time.Duration) time.Duration {
	if s.jitter == 0 {
		return d
	}
	factor := 1 + s.jitter*(2*s.rand()-1)
	return time.Duration(float64(d) * factor)
}

// failureWait is interval·2^(failures-1), capped at MaxBackoff, or the
// server's Retry-After when that is longer (up to maxRetryAfter).
func (s *Scheduler) failureWait(src model.Source, failures int, retryAfter time.Duration) time.Duration {
	d := s.sourceInterval(src)
	for i := 1; i < failures && d < s.maxBackoff; i++ {
		d *= 2
	}
	d = min(s.jittered(d), s.maxBackoff)
	return max(d, min(retryAfter, max(maxRetryAfter, s.maxBackoff)))
}

// longestWait is the longest wait the scheduler would now choose for a
// source in this state.
func (s *Scheduler) longestWait(src model.Source, failures int) time.Duration {
	healthy := time.Duration(float64(s.sourceInterval(src)) * (1 + s.jitter))
	if failures == 0 {
		return healthy
	}
	return max(healthy, s.maxBackoff, maxRetryAfter)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
