package app

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// settled reports whether the pipeline has nothing left to do: no message
// waiting in either consumer and no alert waiting in the outbox.
func settled(ctx context.Context, a *App) (bool, string) {
	pending, err := a.bus.Pending(ctx)
	if err != nil {
		return false, err.Error()
	}
	stats, err := a.store.OutboxStats(ctx)
	if err != nil {
		return false, err.Error()
	}
	for name, n := range pending {
		if n > 0 {
			return false, fmt.Sprintf("%d messages pending in %s", n, name)
		}
	}
	if stats.Pending > 0 {
		return false, fmt.Sprintf("%d deliveries pending", stats.Pending)
	}
	return true, ""
}

func itemsStored(ctx context.Context, a *App, want int64) func() (bool, string) {
	return func() (bool, string) {
		n, err := a.store.CountItems(ctx)
		if err != nil {
			return false, err.Error()
		}
		if n < want {
			return false, fmt.Sprintf("%d of %d items stored", n, want)
		}
		return settled(ctx, a)
	}
}

// itemByTitle finds a stored item among the cases and items of a source.
func findItem(t *testing.T, ctx context.Context, a *App, id string) model.TaggedItem {
	t.Helper()
	ti, err := a.store.TaggedItem(ctx, id)
	if err != nil {
		t.Fatalf("item %s: %v", id, err)
	}
	return ti
}

func topic(ti model.TaggedItem, id string) (model.TopicMatch, bool) {
	for _, tm := range ti.Analysis.Topics {
		if tm.ID == id {
			return tm, true
		}
	}
	return model.TopicMatch{}, false
}

func pollAll(t *testing.T, ctx context.Context, a *App) {
	t.Helper()
	for _, s := range a.cfg.Sources {
		_, _ = a.scheduler.PollOnce(ctx, s.Model()) // the broken feed fails; that is checked elsewhere
	}
}

type snapshot struct {
	items, cases int64
	hookAlerts   map[string]int
	hookAttempts map[string]int
	hookRejected int
}

func takeSnapshot(t *testing.T, ctx context.Context, a *App, hooks map[string]*hook) snapshot {
	t.Helper()
	s := snapshot{hookAlerts: map[string]int{}, hookAttempts: map[string]int{}}
	var err error
	if s.items, err = a.store.CountItems(ctx); err != nil {
		t.Fatal(err)
	}
	cases, err := a.store.Cases(ctx, store.CaseFilter{})
	if err != nil {
		t.Fatal(err)
	}
	s.cases = int64(len(cases))
	for name, h := range hooks {
		alerts, attempts, rejected := h.received()
		s.hookAlerts[name], s.hookAttempts[name] = len(alerts), attempts
		s.hookRejected += rejected
	}
	return s
}

// TestPipeline runs the whole daemon — embedded JetStream, SQLite, real
// HTTP feeds and webhooks — and checks what arrives where, that nothing is
// stored or sent twice on re-polls and across a restart, and that a broken
// feed shows in its health without stopping the others.
func TestPipeline(t *testing.T) {
	ctx := context.Background()
	feeds := feedServer(t)
	hooks := map[string]*hook{
		"housing":   newHook(t, "housing-secret"),
		"education": newHook(t, "education-secret"),
		"ecology":   newHook(t, "ecology-secret"),
	}
	dataDir := t.TempDir()
	cfg := testConfig(t, dataDir, feeds.URL, hooks)
	a, stop := startApp(t, cfg)

	// 4 items in city.rss, 2 in the GBK county feed, none in the broken one.
	eventually(t, "all fixture items processed", itemsStored(ctx, a, 6))

	t.Run("real estate item tagged with its words and places", func(t *testing.T) {
		ti := findItem(t, ctx, a, onlyCase(t, ctx, a, "housing").ItemID)
		if !strings.HasPrefix(ti.Item.Title, "通城县一楼盘烂尾三年 业主集体维权") {
			t.Errorf("title %q: HTML not reduced to text", ti.Item.Title)
		}
		tm, ok := topic(ti, "real_estate")
		if !ok || !slices.Contains(tm.Terms, "楼盘") {
			t.Errorf("want real_estate with term 楼盘, got %+v", ti.Analysis.Topics)
		}
		if !slices.Contains(ti.Analysis.Regions, "通城县") {
			t.Errorf("regions %v lack 通城县", ti.Analysis.Regions)
		}
	})
	t.Run("GBK feed decoded and its zone-less date read as Beijing time", func(t *testing.T) {
		ti := findItem(t, ctx, a, onlyCase(t, ctx, a, "ecology").ItemID)
		if ti.Item.Title != "嘉鱼县村民举报化工厂偷排废水 河水发黑" {
			t.Errorf("title %q, want the GBK text decoded", ti.Item.Title)
		}
		if got := ti.Item.PublishedAt.UTC().Format("2006-01-02 15:04"); got != "2026-11-26 00:15" {
			t.Errorf("published %s UTC, want 2026-11-26 00:15 (08:15 Beijing)", got)
		}
		if _, ok := topic(ti, "ecology"); !ok {
			t.Errorf("want ecology, got %+v", ti.Analysis.Topics)
		}
	})
	t.Run("responsible departments receive signed alerts", func(t *testing.T) {
		for dept, wantTitle := range map[string]string{
			"housing":   "通城县一楼盘烂尾三年",
			"education": "家长投诉咸安区一小学违规收取择校费",
			"ecology":   "嘉鱼县村民举报化工厂偷排废水",
		} {
			alerts, _, rejected := hooks[dept].received()
			if rejected > 0 {
				t.Errorf("%s: %d requests failed signature or decoding", dept, rejected)
			}
			if len(alerts) != 1 || !strings.HasPrefix(alerts[0].Item.Title, wantTitle) || alerts[0].Department != dept {
				t.Errorf("%s: want one alert for %q, got %+v", dept, wantTitle, alerts)
			}
		}
	})
	t.Run("a neutral notice in a hot-topic area is stored but opens no case", func(t *testing.T) {
		cases, err := a.store.Cases(ctx, store.CaseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			if ti := findItem(t, ctx, a, c.ItemID); strings.Contains(ti.Item.Title, "招生入学政策发布") {
				t.Errorf("the enrolment notice opened a case for %s", c.Department)
			}
		}
	})
	t.Run("unrelated news opens no case", func(t *testing.T) {
		cases, err := a.store.Cases(ctx, store.CaseFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			ti := findItem(t, ctx, a, c.ItemID)
			if strings.Contains(ti.Item.Title, "联赛") || strings.Contains(ti.Item.Title, "书画展") {
				t.Errorf("unrelated item %q opened a case for %s", ti.Item.Title, c.Department)
			}
		}
	})
	t.Run("broken feed shows in its health, the others are healthy", func(t *testing.T) {
		sources, err := a.store.ListSources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sources {
			failing := s.ConsecutiveFailures > 0
			if failing != (s.ID == "broken") {
				t.Errorf("source %s: %d consecutive failures, last error %q", s.ID, s.ConsecutiveFailures, s.LastError)
			}
			if s.ID == "broken" && (!strings.Contains(s.LastError, "parse") || !s.NextPollAt.After(s.LastErrorAt)) {
				t.Errorf("broken source health: error %q, next poll %v", s.LastError, s.NextPollAt)
			}
		}
	})

	before := takeSnapshot(t, ctx, a, hooks)
	pollAll(t, ctx, a)
	eventually(t, "re-poll settled", func() (bool, string) { return settled(ctx, a) })
	if after := takeSnapshot(t, ctx, a, hooks); !sameSnapshot(before, after) {
		t.Fatalf("re-poll changed the results:\nbefore %+v\nafter  %+v", before, after)
	}

	stop()
	a2, _ := startApp(t, cfg)
	pollAll(t, ctx, a2)
	eventually(t, "after restart settled", func() (bool, string) { return settled(ctx, a2) })
	if after := takeSnapshot(t, ctx, a2, hooks); !sameSnapshot(before, after) {
		t.Fatalf("restart and re-poll changed the results:\nbefore %+v\nafter  %+v", before, after)
	}

	// A publisher retry after JetStream's duplicate window has passed gets
	// through the bus; the store and the case ledger must still hold firm.
	again := findItem(t, ctx, a2, onlyCase(t, ctx, a2, "housing").ItemID).Item
	time.Sleep(cfg.NATS.DuplicateWindow.D() + 100*time.Millisecond)
	if err := a2.bus.PublishItem(ctx, again); err != nil {
		t.Fatal(err)
	}
	eventually(t, "republished item settled", func() (bool, string) { return settled(ctx, a2) })
	if after := takeSnapshot(t, ctx, a2, hooks); !sameSnapshot(before, after) {
		t.Fatalf("a republished item changed the results:\nbefore %+v\nafter  %+v", before, after)
	}
}

func sameSnapshot(a, b snapshot) bool {
	return a.items == b.items && a.cases == b.cases && a.hookRejected == b.hookRejected &&
		fmt.Sprint(a.hookAlerts) == fmt.Sprint(b.hookAlerts)
}

func onlyCase(t *testing.T, ctx context.Context, a *App, dept string) model.Case {
	t.Helper()
	cases, err := a.store.Cases(ctx, store.CaseFilter{Department: dept})
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 1 {
		t.Fatalf("department %s: want 1 case, got %d", dept, len(cases))
	}
	return cases[0]
}
