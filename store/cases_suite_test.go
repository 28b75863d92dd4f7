package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// The deadline clock's port.
var _ alert.CaseClock = (*store.Store)(nil)

// recordingPolicy is a plain CasePolicy for the store's tests: a new case
// owes a response in 48 h and gets its first alert; a grown case an update
// held for ten minutes. It remembers what it was shown.
type recordingPolicy struct {
	seen []model.CaseChange
}

func (p *recordingPolicy) plan(ch *model.CaseChange) {
	p.seen = append(p.seen, *ch)
	switch {
	case ch.Opened:
		ch.Case.Deadlines = append(ch.Case.Deadlines, model.Deadline{Kind: model.DeadlineResponse, Name: "予以回应",
			Due: ch.Case.OpenedAt.Add(48 * time.Hour), NextCheckAt: ch.Case.OpenedAt.Add(24 * time.Hour)})
		ch.Messages = append(ch.Messages, model.CaseMessage{Receivers: ch.Opening.Receivers,
			Alert: model.Alert{CaseID: ch.Case.ID, Note: "new"}})
	case ch.Grew:
		ch.Messages = append(ch.Messages, model.CaseMessage{Key: fmt.Sprintf("update:%d", ch.Case.Articles),
			Receivers: ch.Opening.Receivers, DueAt: ch.Now.Add(10 * time.Minute),
			Alert: model.Alert{CaseID: ch.Case.ID, Kind: model.AlertUpdate}})
	}
	ch.Events = append(ch.Events, model.CaseEvent{At: ch.Now, Actor: model.ActorSystem, Action: "test"})
}

func testRecordStory(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	p := &recordingPolicy{}
	first := loadTagged(t)[0] // story-7f3a, 咸安区, Ⅲ
	changes, err := s.RecordStory(ctx, first, []model.CaseOpening{openEnv, openDistrict}, t0, p.plan)
	if err != nil || len(changes) != 2 || !changes[0].Opened || !changes[1].Opened {
		t.Fatalf("first RecordStory = %+v, %v; want two cases opened", changes, err)
	}
	env, district := changes[0].Case, changes[1].Case
	if len(p.seen[0].Peers) != 0 || len(p.seen[1].Peers) != 1 || p.seen[1].Peers[0].ID != p.seen[0].Case.ID {
		t.Errorf("peers: %d then %d, want the second case to see the first", len(p.seen[0].Peers), len(p.seen[1].Peers))
	}
	// Redelivery: nothing changes, the policy is not even asked.
	if again, err := s.RecordStory(ctx, first, []model.CaseOpening{openEnv, openDistrict}, t0.Add(time.Minute), p.plan); err != nil || len(again) != 0 || len(p.seen) != 2 {
		t.Fatalf("redelivered RecordStory = %v, %v (policy asked %d times)", again, err, len(p.seen))
	}

	// A later article of the story from another source, more severe.
	second := first
	second.Item.ID, second.Item.SourceID = "weibo:1", "weibo"
	second.Item.PublishedAt, second.Item.FetchedAt = t0.Add(time.Hour), t0.Add(time.Hour)
	second.Analysis.Severity = model.SeverityII
	second.Analysis.Regions = []string{"嘉鱼县"}
	grown, err := s.RecordStory(ctx, second, []model.CaseOpening{openEnv}, t0.Add(time.Hour), p.plan)
	if err != nil || len(grown) != 1 || !grown[0].Grew || grown[0].Case.ID != env.ID {
		t.Fatalf("second article: %+v, %v; want the env case grown", grown, err)
	}
	g := grown[0]
	if g.Before.Articles != 1 || g.Case.Articles != 2 || !slices.Equal(g.Case.Sources, []string{"xnnews", "weibo"}) ||
		g.Case.Severity != model.SeverityII || !slices.Equal(g.Case.Regions, []string{"咸安区", "嘉鱼县"}) ||
		g.Item.Item.ID != "weibo:1" || !g.Case.FirstPublishedAt.Equal(truncMS(first.Item.PublishedAt)) {
		t.Errorf("grown case: before %d articles, now %+v", g.Before.Articles, g.Case)
	}
	if len(g.Case.Deadlines) != 1 || g.Before.Deadlines[0] != g.Case.Deadlines[0] {
		t.Errorf("grown case deadlines %+v (before %+v)", g.Case.Deadlines, g.Before.Deadlines)
	}
	// The update is held for ten minutes, as the policy asked.
	ds, err := s.Deliveries(ctx, store.DeliveryFilter{CaseID: env.ID})
	if err != nil || len(ds) != 4 {
		t.Fatalf("env deliveries = %d, %v; want 2 first alerts and 2 updates", len(ds), err)
	}
	for _, d := range ds[:2] { // newest first
		if !d.NextAttemptAt.Equal(t0.Add(time.Hour + 10*time.Minute)) {
			t.Errorf("held update due %v, want +1h10m", d.NextAttemptAt)
		}
	}

	// A quiet opening grows an existing case but opens none.
	third := second
	third.Item.ID, third.Item.SourceID = "news:1", "news"
	quiet := []model.CaseOpening{{Department: "sthjj", Quiet: true}, {Department: "gaj", Quiet: true}}
	if qs, err := s.RecordStory(ctx, third, quiet, t0.Add(2*time.Hour), p.plan); err != nil || len(qs) != 1 || qs[0].Case.Department != "sthjj" || qs[0].Case.Articles != 3 {
		t.Fatalf("quiet RecordStory = %+v, %v; want only the existing case grown", qs, err)
	}
	// A department joining later sees the whole story's spread.
	late, err := s.RecordStory(ctx, third, []model.CaseOpening{openPolice}, t0.Add(3*time.Hour), p.plan)
	if err != nil || len(late) != 1 || !late[0].Opened || late[0].Case.Articles != 3 || len(late[0].Case.Sources) != 3 {
		t.Fatalf("late department: %+v, %v", late, err)
	}
	if got := late[0].Case.Severity; got != model.SeverityII {
		t.Errorf("late case severity %v, want the story's highest", got)
	}
	c, err := s.Case(ctx, district.ID)
	if err != nil || c.Articles != 1 || len(c.Deadlines) != 1 {
		t.Errorf("untouched district case = %+v, %v", c, err)
	}
	if _, err := s.Case(ctx, 999999); err == nil {
		t.Error("Case(unknown) succeeded")
	}
	if evs, err := s.CaseEvents(ctx, env.ID); err != nil || len(evs) != 3 {
		t.Errorf("env case events = %+v, %v; want 3 (opened, update, quiet growth)", evs, err)
	}
}

// testGroupDue: a case's first alert can be held; the next case of the same
// department and group is told when.
func testGroupDue(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	var due []time.Time
	hold := func(ch *model.CaseChange) {
		due = append(due, ch.GroupDueAt)
		if ch.Opened {
			ch.Messages = append(ch.Messages, model.CaseMessage{Receivers: []string{"r"}, DueAt: ch.Now.Add(time.Minute)})
		}
	}
	items := loadTagged(t)
	op := model.CaseOpening{Department: "sthjj", GroupKey: "sthjj|topic=ecology", Receivers: []string{"r"}}
	other := model.CaseOpening{Department: "sthjj", GroupKey: "sthjj|topic=other", Receivers: []string{"r"}}
	for i, step := range []struct {
		item model.TaggedItem
		op   model.CaseOpening
		at   time.Duration
	}{{items[0], op, 0}, {items[1], op, 10 * time.Second}, {items[2], other, 20 * time.Second}, {items[3], op, 2 * time.Minute}} {
		if _, err := s.RecordStory(ctx, step.item, []model.CaseOpening{step.op}, t0.Add(step.at), hold); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	want := []time.Time{{}, t0.Add(time.Minute), {}, {}}
	if !reflect.DeepEqual(due, want) {
		t.Errorf("GroupDueAt seen = %v, want %v", due, want)
	}
}

func testCaseClock(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	p := &recordingPolicy{}
	items := loadTagged(t)
	// Co-responder first, so that its id is the lower one.
	if _, err := s.RecordStory(ctx, items[0], []model.CaseOpening{openDistrict, openEnv}, t0, p.plan); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordStory(ctx, items[1], []model.CaseOpening{openDistrict}, t0.Add(time.Hour), p.plan); err != nil {
		t.Fatal(err)
	}
	ids, err := s.DueCases(ctx, t0.Add(24*time.Hour), 10)
	if err != nil || len(ids) != 2 {
		t.Fatalf("DueCases at +24h = %v, %v; want the two cases of the first item", ids, err)
	}
	first, _ := s.Case(ctx, ids[0])
	if !first.Lead {
		t.Errorf("DueCases = %v: the lead case must come first", ids)
	}
	ch, err := s.AdvanceCase(ctx, ids[0], t0.Add(24*time.Hour), func(ch *model.CaseChange) {
		if ch.Item.Item.ID != items[0].Item.ID || len(ch.Peers) != 1 || len(ch.Links) != 1 {
			t.Errorf("AdvanceCase showed item %s, %d peers, %d links", ch.Item.Item.ID, len(ch.Peers), len(ch.Links))
		}
		ch.Case.Deadlines[0].Notified, ch.Case.Deadlines[0].NextCheckAt = 50, t0.Add(40*time.Hour)
		ch.Messages = append(ch.Messages, model.CaseMessage{Key: "reminder:response:50", Receivers: []string{"r"}})
	})
	if err != nil || len(ch.Messages) != 1 {
		t.Fatalf("AdvanceCase = %+v, %v", ch, err)
	}
	if ids, _ := s.DueCases(ctx, t0.Add(24*time.Hour), 10); len(ids) != 1 || ids[0] == first.ID {
		t.Errorf("after advancing, DueCases = %v; want only the other case", ids)
	}
	c, _ := s.Case(ctx, first.ID)
	if d := c.Deadlines[0]; d.Notified != 50 || !d.NextCheckAt.Equal(t0.Add(40*time.Hour)) {
		t.Errorf("saved deadline %+v", d)
	}
	if _, err := s.AdvanceCase(ctx, 999999, t0, func(*model.CaseChange) {}); err == nil {
		t.Error("AdvanceCase(unknown) succeeded")
	}
}
