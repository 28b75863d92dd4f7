package analyze

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/model"
)

type failingStories struct{ err error }

func (f failingStories) AssignStory(context.Context, model.StoryMember, time.Time, func([]byte) bool) (model.StorySpread, error) {
	return model.StorySpread{}, f.err
}

// The stage assigns the story before it saves and publishes, so the tagged
// item carries its story id and a severity that counts the story's spread.
func TestStageAssignsStories(t *testing.T) {
	stories := NewMemoryStories()
	store, pub := &memStore{}, &memPublisher{}
	now := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	s, err := NewStage(StageOptions{Analyzer: newTestAnalyzer(t), Store: store, Publisher: pub, Stories: stories,
		Registerer: prometheus.NewRegistry(), Clock: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	body := "化工厂发生爆炸事故。" + original
	for i, src := range []string{"a", "b", "c", "d", "e", "a"} {
		it := model.Item{ID: src + ":" + string(rune('0'+i)), SourceID: src, Title: "化工厂爆炸事故", Content: body,
			PublishedAt: now.Add(time.Duration(i) * time.Minute)}
		if err := s.Handle(context.Background(), it); err != nil {
			t.Fatal(err)
		}
	}
	first, last := pub.published[0].Analysis, pub.published[len(pub.published)-1].Analysis
	if first.StoryID == "" || first.StoryID != last.StoryID {
		t.Fatalf("story ids %q and %q, want one story", first.StoryID, last.StoryID)
	}
	if first.Severity != model.SeverityIV || last.Severity != model.SeverityIII {
		t.Errorf("severity %v then %v, want IV for the first article and III once 5 sources report it", first.Severity, last.Severity)
	}
	if saved := store.items[pub.published[5].Item.ID]; saved.Analysis.StoryID != first.StoryID {
		t.Errorf("the stored analysis has story %q", saved.Analysis.StoryID)
	}
	if got := stories.Members(first.StoryID); len(got) != 6 {
		t.Errorf("story members = %v", got)
	}

	boom := errors.New("database down")
	s2, err := NewStage(StageOptions{Analyzer: newTestAnalyzer(t), Store: &memStore{}, Publisher: &memPublisher{},
		Stories: failingStories{boom}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Handle(context.Background(), estateItem); !errors.Is(err, boom) || errors.Is(err, model.ErrPermanent) {
		t.Errorf("Handle with a failing story store = %v, want a transient error", err)
	}
}
