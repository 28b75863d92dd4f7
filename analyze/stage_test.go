package analyze

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/model"
)

// memStore is an in-memory Store with the contract's idempotence.
type memStore struct {
	mu    sync.Mutex
	items map[string]model.TaggedItem
	err   error
}

func (s *memStore) SaveTagged(_ context.Context, t model.TaggedItem) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return false, s.err
	}
	if s.items == nil {
		s.items = map[string]model.TaggedItem{}
	}
	if _, ok := s.items[t.Item.ID]; ok {
		return false, nil
	}
	s.items[t.Item.ID] = t
	return true, nil
}

type memPublisher struct {
	mu        sync.Mutex
	published []model.TaggedItem
	err       error
}

func (p *memPublisher) PublishTagged(_ context.Context, t model.TaggedItem) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	p.published = append(p.published, t)
	return nil
}

type stageFixture struct {
	stage *Stage
	store *memStore
	pub   *memPublisher
	reg   *prometheus.Registry
}

func newStageFixture(t *testing.T) stageFixture {
	t.Helper()
	f := stageFixture{store: &memStore{}, pub: &memPublisher{}, reg: prometheus.NewRegistry()}
	// Each reading of the clock is 2 ms after the previous one.
	tick := time.Date(2024, 5, 1, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { tick = tick.Add(2 * time.Millisecond); return tick }
	s, err := NewStage(StageOptions{Analyzer: newTestAnalyzer(t), Store: f.store, Publisher: f.pub,
		Registerer: f.reg, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	f.stage = s
	return f
}

// metric returns the value of a counter with the given label value, or a
// histogram's sample count, gathered from the registry.
func (f stageFixture) metric(t *testing.T, name, label string) float64 {
	t.Helper()
	count, _ := f.gather(t, name, label)
	return count
}

// gather returns a counter's value, or a histogram's count and sum.
func (f stageFixture) gather(t *testing.T, name, label string) (float64, float64) {
	t.Helper()
	families, err := f.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, fam := range families {
		if fam.GetName() != name {
			continue
		}
		for _, m := range fam.GetMetric() {
			if h := m.GetHistogram(); h != nil {
				return float64(h.GetSampleCount()), h.GetSampleSum()
			}
			for _, lp := range m.GetLabel() {
				if lp.GetValue() == label {
					return m.GetCounter().GetValue(), 0
				}
			}
		}
	}
	t.Fatalf("metric %s{%s} not registered", name, label)
	return 0, 0
}

var estateItem = model.Item{ID: "src:1", SourceID: "src", Title: "通城县楼盘延期交房", Content: "业主投诉开发商。"}

func TestStageHandle(t *testing.T) {
	f := newStageFixture(t)
	if err := f.stage.Handle(context.Background(), estateItem); err != nil {
		t.Fatal(err)
	}
	saved, ok := f.store.items[estateItem.ID]
	if !ok {
		t.Fatal("item not stored")
	}
	if got := saved.Analysis.TopicIDs(); len(got) != 1 || got[0] != "real_estate" {
		t.Errorf("stored topics = %v, want [real_estate]", got)
	}
	if len(f.pub.published) != 1 || f.pub.published[0].Item.ID != estateItem.ID {
		t.Fatalf("published %+v, want the item once", f.pub.published)
	}
	if got := f.pub.published[0].Analysis.Regions; len(got) != 1 || got[0] != "通城县" {
		t.Errorf("published regions = %v, want [通城县]", got)
	}
	for _, c := range []struct {
		name, label string
		want        float64
	}{
		{"yuqing_analyze_items_total", resultTagged, 1},
		{"yuqing_analyze_items_total", resultUntagged, 0},
		{"yuqing_analyze_topics_total", "real_estate", 1},
		{"yuqing_analyze_topics_total", "education", 0},
		{"yuqing_analyze_duration_seconds", "", 1},
	} {
		if got := f.metric(t, c.name, c.label); got != c.want {
			t.Errorf("%s{%s} = %v, want %v", c.name, c.label, got, c.want)
		}
	}
	// The injected clock advances 2 ms between the two readings around the
	// analysis.
	if _, sum := f.gather(t, "yuqing_analyze_duration_seconds", ""); sum != 0.002 {
		t.Errorf("duration sum = %v, want 0.002", sum)
	}
}

// A redelivered item, or one whose earlier attempt stopped between saving and
// publishing, is published again; its topics are not counted twice.
func TestStagePublishesEvenIfAlreadyStored(t *testing.T) {
	f := newStageFixture(t)
	f.store.items = map[string]model.TaggedItem{estateItem.ID: {Item: estateItem}} // saved, never published
	for range 2 {
		if err := f.stage.Handle(context.Background(), estateItem); err != nil {
			t.Fatal(err)
		}
	}
	if len(f.pub.published) != 2 {
		t.Errorf("published %d times, want 2", len(f.pub.published))
	}
	if got := f.metric(t, "yuqing_analyze_items_total", resultDuplicate); got != 2 {
		t.Errorf("duplicates = %v, want 2", got)
	}
	if got := f.metric(t, "yuqing_analyze_topics_total", "real_estate"); got != 0 {
		t.Errorf("topics counted for a redelivery: %v", got)
	}
}

func TestStagePermanentErrors(t *testing.T) {
	for _, it := range []model.Item{
		{Title: "没有编号的条目"},
		{ID: "src:2", Title: " \n", Content: "\t"},
		{ID: "src:3"},
	} {
		f := newStageFixture(t)
		err := f.stage.Handle(context.Background(), it)
		if !errors.Is(err, model.ErrPermanent) {
			t.Errorf("Handle(%+v) = %v, want a permanent error", it, err)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "analyze: handle item") {
			t.Errorf("error without prefix: %v", err)
		}
		if len(f.store.items) != 0 || len(f.pub.published) != 0 {
			t.Errorf("Handle(%+v) stored or published a rejected item", it)
		}
		if got := f.metric(t, "yuqing_analyze_items_total", resultRejected); got != 1 {
			t.Errorf("rejected = %v, want 1", got)
		}
	}
}

func TestStageTransientErrors(t *testing.T) {
	boom := errors.New("connection reset")
	t.Run("store", func(t *testing.T) {
		f := newStageFixture(t)
		f.store.err = boom
		err := f.stage.Handle(context.Background(), estateItem)
		if !errors.Is(err, boom) || errors.Is(err, model.ErrPermanent) {
			t.Fatalf("Handle() = %v, want the store's error, retryable", err)
		}
		if want := "analyze: save item src:1: connection reset"; err.Error() != want {
			t.Errorf("Handle() = %q, want %q", err, want)
		}
		if len(f.pub.published) != 0 {
			t.Error("published an item that was not stored")
		}
		if got := f.metric(t, "yuqing_analyze_items_total", resultFailed); got != 1 {
			t.Errorf("failed = %v, want 1", got)
		}
	})
	t.Run("publish", func(t *testing.T) {
		f := newStageFixture(t)
		f.pub.err = boom
		err := f.stage.Handle(context.Background(), estateItem)
		if !errors.Is(err, boom) || errors.Is(err, model.ErrPermanent) {
			t.Fatalf("Handle() = %v, want the publisher's error, retryable", err)
		}
		if want := "analyze: publish item src:1: connection reset"; err.Error() != want {
			t.Errorf("Handle() = %q, want %q", err, want)
		}
		if _, ok := f.store.items[estateItem.ID]; !ok {
			t.Error("item not stored before publishing")
		}
	})
}

func TestNewStage(t *testing.T) {
	a := newTestAnalyzer(t)
	if _, err := NewStage(StageOptions{Analyzer: a, Store: &memStore{}}); err == nil {
		t.Error("NewStage accepted a missing Publisher")
	}
	if _, err := NewStage(StageOptions{Store: &memStore{}, Publisher: &memPublisher{}}); err == nil {
		t.Error("NewStage accepted a missing Analyzer")
	}
	// Without a registerer the metrics still work; they are just not exported.
	s, err := NewStage(StageOptions{Analyzer: a, Store: &memStore{}, Publisher: &memPublisher{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Handle(context.Background(), estateItem); err != nil {
		t.Fatal(err)
	}
	// Two stages in one process share the metrics of one registry.
	reg := prometheus.NewRegistry()
	var stages []*Stage
	for range 2 {
		s, err := NewStage(StageOptions{Analyzer: a, Store: &memStore{}, Publisher: &memPublisher{}, Registerer: reg})
		if err != nil {
			t.Fatal(err)
		}
		stages = append(stages, s)
	}
	for _, s := range stages {
		if err := s.Handle(context.Background(), estateItem); err != nil {
			t.Fatal(err)
		}
	}
	f := stageFixture{reg: reg}
	if got := f.metric(t, "yuqing_analyze_items_total", resultTagged); got != 2 {
		t.Errorf("tagged = %v across two stages, want 2", got)
	}
}
