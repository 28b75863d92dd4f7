package alert_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

func TestConfiguredTopicSilenceRoutesTheOtherTopics(t *testing.T) {
	t0 := newFakeClock().Now()
	f := newCaseFixture(t, fixtureOptions{silences: []model.Silence{{Topic: "real_estate", StartsAt: t0.Add(-time.Hour),
		EndsAt: t0.Add(time.Hour), Reason: "楼盘专项整治期间集中处理", Author: "政务公开办", FromConfig: true}}})
	both := f.item("1", "forum", "", model.SeverityIV)
	both.Analysis.Topics = append(both.Analysis.Topics, model.TopicMatch{ID: "ecology", Name: "生态环境"})
	f.handle(both)
	if cs := f.cases(storyFilter("")); len(cs) != 1 || cs[0].Department != "ecology" || !slices.Equal(cs[0].Topics, []string{"ecology"}) {
		t.Fatalf("cases %+v: want only the ecology case", cs)
	}
	if len(f.logs.withMessage(t, "topics silenced")) != 1 {
		t.Error("the silenced topic was not logged")
	}
	// Once the silence ends, the topic is routed again.
	f.clock.Set(t0.Add(2 * time.Hour))
	f.handle(f.item("2", "forum", "", model.SeverityIV))
	if len(f.cases(storyFilter(""))) != 2 {
		t.Error("the topic stayed muted after its silence ended")
	}
}

// TestStorySilence: an item of a muted story opens nothing and sends
// nothing, but still grows the story's existing case; a muted case's
// reminder points pass without a message and do not come out later.
func TestStorySilence(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	t0 := f.clock.Now()
	f.handle(f.item("1", "forum", "known", model.SeverityIV))
	for _, story := range []string{"known", "new"} {
		if _, err := f.store.CreateSilence(f.ctx, model.Silence{StoryID: story, EndsAt: t0.Add(30 * time.Hour),
			Reason: "已统一回应", Author: "政务公开办"}, t0); err != nil {
			t.Fatal(err)
		}
	}
	f.handle(f.item("2", "forum", "new", model.SeverityII))
	if cs := f.cases(storyFilter("new")); len(cs) != 0 {
		t.Fatalf("a muted story opened %d cases", len(cs))
	}
	f.handle(f.item("3", "weibo", "known", model.SeverityIV), f.item("4", "news", "known", model.SeverityIV))
	c := f.onlyCase("housing")
	if c.Articles != 3 || len(c.Sources) != 3 {
		t.Errorf("muted case: %d articles from %v, want it grown to 3", c.Articles, c.Sources)
	}
	f.tickAt(t0, 24*time.Hour)
	wantMessages(t, "while muted", f.sentMessages(), "housing_hook:new")
	if !slices.Contains(f.events(c.ID), "silenced") {
		t.Errorf("events %v lack the silenced reminder", f.events(c.ID))
	}
	if got := metricValue(t, f.reg, "yuqing_alert_items_silenced_total"); got != 3 {
		t.Errorf("items silenced = %v, want 3", got)
	}
	// The silence has ended: the 80% point is reminded, the 50% one not.
	f.tickAt(t0, 38*time.Hour+24*time.Minute)
	ms := f.sentMessages()
	wantMessages(t, "after the silence", ms, "housing_hook:new", "housing_hook:reminder")
	if !strings.Contains(ms[1].Note, "80%") {
		t.Errorf("reminder %q", ms[1].Note)
	}
}

func TestExpiringASilence(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	t0 := f.clock.Now()
	s, err := f.store.CreateSilence(f.ctx, model.Silence{Source: "forum", EndsAt: t0.Add(time.Hour),
		Reason: "测试源", Author: "政务公开办"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.ExpireSilence(f.ctx, s.ID, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(t0.Add(2 * time.Minute))
	f.handle(f.item("1", "forum", "", model.SeverityIV))
	if len(f.cases(storyFilter(""))) != 1 {
		t.Error("an ended silence still muted the source")
	}
}
