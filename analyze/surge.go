package analyze

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/internal/prom"
	"github.com/yuqing/yuqing/model"
)

// SurgeEventKind is the event kind surges are published under.
const SurgeEventKind = "surge"

// SurgeOptions are what a SurgeWatcher needs; Store and Events are
// required.
type SurgeOptions struct {
	Store  SurgeStore
	Events EventPublisher
	Config config.Surges
	// TopicName names a topic in events (nil: the id).
	TopicName  func(id string) string
	Logger     *slog.Logger
	Registerer prometheus.Registerer
	Clock      func() time.Time
}

// SurgeWatcher checks topics and stories for spikes: the latest hour or
// day (the window still open) against the windows of the baseline before
// it. A spike is announced once: its id names scope, key, window and window
// start, it is the event's message id, and the store remembers it.
type SurgeWatcher struct {
	o     SurgeOptions
	log   *slog.Logger
	now   func() time.Time
	count *prometheus.CounterVec
}

// NewSurgeWatcher checks its options and registers its metric.
func NewSurgeWatcher(o SurgeOptions) (*SurgeWatcher, error) {
	if o.Store == nil || o.Events == nil {
		return nil, errors.New("analyze: new surge watcher: Store and Events are required")
	}
	w := &SurgeWatcher{o: o, log: o.Logger, now: o.Clock}
	if w.log == nil {
		w.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	w.log = w.log.With("component", "surge")
	if w.now == nil {
		w.now = time.Now
	}
	a := config.Analyze{Surges: o.Config}
	a.ApplyDefaults()
	w.o.Config = a.Surges
	w.count = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yuqing_analyze_surges_total",
		Help: "Spikes announced, by scope (topic, story) and window (hour, day).",
	}, []string{"scope", "window"})
	if o.Registerer != nil {
		var err error
		if w.count, err = prom.Register(o.Registerer, w.count); err != nil {
			return nil, err
		}
	}
	return w, nil
}

// Run checks every interval until ctx ends. A failed check is logged and
// tried again at the next tick.
func (w *SurgeWatcher) Run(ctx context.Context) error {
	t := time.NewTicker(w.o.Config.Interval.D())
	defer t.Stop()
	for {
		if _, err := w.Check(ctx); err != nil && ctx.Err() == nil {
			w.log.WarnContext(ctx, "surge check failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

// surgeWindow is one kind of window: its length and where it starts.
type surgeWindow struct {
	name     string
	length   time.Duration
	minCount int
	start    func(time.Time) time.Time
}

func (w *SurgeWatcher) windows() []surgeWindow {
	c := w.o.Config
	return []surgeWindow{
		{model.SurgeHour, time.Hour, c.MinHour, func(t time.Time) time.Time { return t.Truncate(time.Hour) }},
		{model.SurgeDay, 24 * time.Hour, c.MinDay, func(t time.Time) time.Time {
			l := t.In(shanghai) // days are days in China
			return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, shanghai)
		}},
	}
}

// Check looks for spikes now and announces the new ones, which it returns.
func (w *SurgeWatcher) Check(ctx context.Context) ([]model.Surge, error) {
	now := w.now()
	var found []model.Surge
	var errs []error
	for _, win := range w.windows() {
		cur := win.start(now)
		from := cur.Add(-w.o.Config.Baseline.D())
		if win.name == model.SurgeDay {
			from = cur.AddDate(0, 0, -int(w.o.Config.Baseline.D()/(24*time.Hour)))
		}
		to := cur.Add(win.length)
		topics, err := w.o.Store.TopicCounts(ctx, from, to, win.length)
		if err != nil {
			errs = append(errs, err)
		}
		stories, err := w.o.Store.StoryCounts(ctx, from, to, win.length, cur)
		if err != nil {
			errs = append(errs, err)
		}
		for _, sc := range []struct {
			scope  string
			counts map[string][]int
		}{{model.SurgeTopic, topics}, {model.SurgeStory, stories}} {
			for _, key := range slices.Sorted(maps.Keys(sc.counts)) {
				sg, ok := w.detect(sc.scope, key, win, cur, sc.counts[key])
				if !ok {
					continue
				}
				sg.DetectedAt = now
				if err := w.announce(ctx, &sg); err != nil {
					errs = append(errs, err)
					continue
				}
				if sg.ID != "" {
					found = append(found, sg)
				}
			}
		}
	}
	return found, errors.Join(errs...)
}

// detect compares the last (open) window of counts with the ones before.
func (w *SurgeWatcher) detect(scope, key string, win surgeWindow, cur time.Time, counts []int) (model.Surge, bool) {
	if len(counts) < 2 {
		return model.Surge{}, false
	}
	current, history := counts[len(counts)-1], counts[:len(counts)-1]
	c := w.o.Config
	base, dev := baseline(history, c.Method)
	threshold := math.Max(float64(win.minCount), base+c.K*math.Max(dev, 1))
	if float64(current) < threshold {
		return model.Surge{}, false
	}
	return model.Surge{
		ID:    fmt.Sprintf("%s:%s:%s:%s", scope, key, win.name, cur.UTC().Format("20060102T15")),
		Scope: scope, Key: key, Window: win.name, Start: cur, End: cur.Add(win.length),
		Count: current, Method: c.Method, K: c.K, Baseline: round2(base), Deviation: round2(dev),
		Threshold: round2(threshold), History: len(history),
	}, true
}

// baseline returns the median and MAD ("mad") or the mean and standard
// deviation ("sigma") of xs.
func baseline(xs []int, method string) (center, spread float64) {
	v := make([]float64, len(xs))
	for i, x := range xs {
		v[i] = float64(x)
	}
	if method == "sigma" {
		for _, x := range v {
			center += x
		}
		center /= float64(len(v))
		for _, x := range v {
			spread += (x - center) * (x - center)
		}
		return center, math.Sqrt(spread / float64(len(v)))
	}
	center = median(v)
	dev := make([]float64, len(v))
	for i, x := range v {
		dev[i] = math.Abs(x - center)
	}
	return center, median(dev)
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// announce publishes a spike unless it was announced before; sg.ID is
// cleared when it was.
func (w *SurgeWatcher) announce(ctx context.Context, sg *model.Surge) error {
	seen, err := w.o.Store.SurgeSeen(ctx, sg.ID)
	if err != nil {
		return err
	}
	if seen {
		sg.ID = ""
		return nil
	}
	sg.Name = sg.Key
	switch sg.Scope {
	case model.SurgeTopic:
		if w.o.TopicName != nil {
			sg.Name = cmp.Or(w.o.TopicName(sg.Key), sg.Key)
		}
	case model.SurgeStory:
		if title, err := w.o.Store.StoryTitle(ctx, sg.Key); err == nil {
			sg.Name = title
		}
	}
	// The message id drops a second publish within the stream's duplicate
	// window (a crash between publishing and marking); the mark covers the
	// rest of the window's life.
	if err := w.o.Events.PublishEvent(ctx, SurgeEventKind, sg.ID, *sg); err != nil {
		return err
	}
	if err := w.o.Store.MarkSurge(ctx, *sg); err != nil {
		return err
	}
	w.count.WithLabelValues(sg.Scope, sg.Window).Inc()
	w.log.InfoContext(ctx, "surge", "scope", sg.Scope, "key", sg.Key, "window", sg.Window,
		"count", sg.Count, "threshold", sg.Threshold, "baseline", sg.Baseline)
	return nil
}
