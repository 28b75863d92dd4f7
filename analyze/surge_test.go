package analyze

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// fakeSurgeStore serves fixed counts and remembers marks, like the store.
type fakeSurgeStore struct {
	mu              sync.Mutex
	topics, stories map[time.Duration]map[string][]int
	marked          map[string]model.Surge
	from, to        map[time.Duration]time.Time
	activeSince     time.Time
	countErr        error
}

func (s *fakeSurgeStore) TopicCounts(_ context.Context, from, to time.Time, bucket time.Duration) (map[string][]int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.from[bucket], s.to[bucket] = from, to
	return s.topics[bucket], s.countErr
}

func (s *fakeSurgeStore) StoryCounts(_ context.Context, from, to time.Time, bucket time.Duration, active time.Time) (map[string][]int, error) {
	s.activeSince = active
	return s.stories[bucket], nil
}

func (s *fakeSurgeStore) StoryTitle(_ context.Context, id string) (string, error) {
	return "标题" + id, nil
}

func (s *fakeSurgeStore) SurgeSeen(_ context.Context, id string) (bool, error) {
	_, ok := s.marked[id]
	return ok, nil
}

func (s *fakeSurgeStore) MarkSurge(_ context.Context, sg model.Surge) error {
	s.marked[sg.ID] = sg
	return nil
}

type fakeEvents struct {
	msgIDs []string
	events []model.Surge
	err    error
}

func (e *fakeEvents) PublishEvent(_ context.Context, kind, msgID string, v any) error {
	if e.err != nil {
		return e.err
	}
	if kind != SurgeEventKind {
		return errors.New("wrong kind " + kind)
	}
	e.msgIDs = append(e.msgIDs, msgID)
	e.events = append(e.events, v.(model.Surge))
	return nil
}

// history makes n windows of baseline counts followed by the current one.
func history(n int, base []int, current int) []int {
	out := make([]int, 0, n+1)
	for i := range n {
		out = append(out, base[i%len(base)])
	}
	return append(out, current)
}

func TestSurgeWatcher(t *testing.T) {
	now := time.Date(2026, 11, 26, 14, 37, 0, 0, time.UTC) // 22:37 in Shanghai
	hours, days := 14*24, 14
	store := &fakeSurgeStore{
		topics: map[time.Duration]map[string][]int{
			time.Hour: {
				"real_estate": history(hours, []int{1, 2, 0, 1, 3, 2}, 12), // a spike
				"education":   history(hours, []int{1, 2, 0, 1, 3, 2}, 4),  // within its noise
				"ecology":     history(hours, []int{0}, 4),                 // below the minimum count
			},
			24 * time.Hour: {"real_estate": history(days, []int{20, 22, 25, 18}, 30)},
		},
		stories: map[time.Duration]map[string][]int{time.Hour: {"s1": history(hours, []int{0}, 6)}},
		marked:  map[string]model.Surge{}, from: map[time.Duration]time.Time{}, to: map[time.Duration]time.Time{},
	}
	events := &fakeEvents{}
	w, err := NewSurgeWatcher(SurgeOptions{Store: store, Events: events, Config: config.Surges{},
		TopicName:  func(id string) string { return map[string]string{"real_estate": "房地产市场"}[id] },
		Registerer: prometheus.NewRegistry(), Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	found, err := w.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, sg := range found {
		ids = append(ids, sg.ID)
	}
	want := []string{"topic:real_estate:hour:20261126T14", "story:s1:hour:20261126T14", "topic:real_estate:day:20261125T16"}
	if strings.Join(ids, " ") != strings.Join(want, " ") {
		t.Fatalf("surges %v, want %v", ids, want)
	}
	sg := found[0]
	if sg.Name != "房地产市场" || sg.Count != 12 || sg.Method != "mad" || sg.Baseline != 1.5 || sg.Deviation != 0.5 ||
		sg.Threshold != 5 || sg.History != hours || !sg.Start.Equal(now.Truncate(time.Hour)) {
		t.Errorf("surge = %+v", sg)
	}
	if found[1].Name != "标题s1" {
		t.Errorf("a story surge is named by its title: %+v", found[1])
	}
	if !store.from[time.Hour].Equal(now.Truncate(time.Hour).Add(-14*24*time.Hour)) || !store.to[time.Hour].Equal(now.Truncate(time.Hour).Add(time.Hour)) {
		t.Errorf("hour counts asked for [%v, %v)", store.from[time.Hour], store.to[time.Hour])
	}
	midnight := time.Date(2026, 11, 26, 0, 0, 0, 0, shanghai)
	if !store.to[24*time.Hour].Equal(midnight.Add(24 * time.Hour)) {
		t.Errorf("days are Shanghai days: counts up to %v", store.to[24*time.Hour])
	}
	if strings.Join(events.msgIDs, " ") != strings.Join(want, " ") {
		t.Errorf("event message ids %v, want the surge ids", events.msgIDs)
	}
	// The same window checked again (or after a restart): nothing new.
	again, err := w.Check(context.Background())
	if err != nil || len(again) != 0 || len(events.events) != 3 {
		t.Errorf("second check: %v, %v; %d events", again, err, len(events.events))
	}
	// A failing publish is reported and the surge is not marked, so the
	// next check tries again.
	delete(store.marked, want[0])
	events.err = errors.New("nats down")
	if _, err := w.Check(context.Background()); err == nil {
		t.Error("a failed publish was not reported")
	}
	if _, ok := store.marked[want[0]]; ok {
		t.Error("a surge that was not published was marked")
	}
}

func TestBaseline(t *testing.T) {
	c, d := baseline([]int{1, 2, 3, 4, 100}, "mad")
	if c != 3 || d != 1 {
		t.Errorf("mad = %v, %v; want median 3, MAD 1 (robust to the outlier)", c, d)
	}
	c, d = baseline([]int{2, 4, 4, 4, 5, 5, 7, 9}, "sigma")
	if c != 5 || d != 2 {
		t.Errorf("sigma = %v, %v; want mean 5, σ 2", c, d)
	}
}

func TestNewSurgeWatcherNeedsPorts(t *testing.T) {
	if _, err := NewSurgeWatcher(SurgeOptions{}); err == nil {
		t.Error("NewSurgeWatcher without a store succeeded")
	}
}
