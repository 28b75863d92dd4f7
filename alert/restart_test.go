package alert_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/bus"
	"github.com/yuqing/yuqing/bus/bustest"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// TestRestartQueuesNothingTwice runs the alert stage behind a real embedded
// JetStream consumer over a real SQLite file. Every message is first
// handled and then "lost" before its ack (the process dies after the
// commit), so JetStream delivers it again; then the process restarts with a
// fresh store, stage and clock at the same instant and ticks again. Each
// message about each case must reach the outbox exactly once.
func TestRestartQueuesNothingTwice(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "yuqing.db")
	b := openBus(t)
	f := newCaseFixture(t, fixtureOptions{dsn: dsn})
	t0 := f.clock.Now()

	var (
		mu       sync.Mutex
		attempts = map[string]int{}
		handled  = make(chan string, 16)
	)
	crashBeforeAck := func(ctx context.Context, it model.TaggedItem) error {
		if err := f.stage.Handle(ctx, it); err != nil {
			return err
		}
		mu.Lock()
		attempts[it.Item.ID]++
		n := attempts[it.Item.ID]
		mu.Unlock()
		handled <- fmt.Sprintf("%s#%d", it.Item.ID, n)
		if n == 1 {
			return errors.New("process died before the ack")
		}
		return nil
	}
	consumer, err := b.ConsumeTagged(f.ctx, 1, crashBeforeAck)
	if err != nil {
		t.Fatal(err)
	}
	items := []model.TaggedItem{
		f.item("a", "forum", "s1", model.SeverityIV),
		f.item("b", "weibo", "s1", model.SeverityIV),
		f.item("c", "news", "s1", model.SeverityIV), // third source: an update, held for group_interval
	}
	for _, it := range items {
		if err := b.PublishTagged(f.ctx, it); err != nil {
			t.Fatal(err)
		}
		waitFor(t, handled, it.Item.ID+" the first time")
		waitFor(t, handled, it.Item.ID+" again after the lost ack")
	}
	consumer.Stop()

	f.tickAt(t0, time.Hour)    // the held update
	f.tickAt(t0, 24*time.Hour) // 50% of 予以回应
	want := []string{"housing_hook:new", "housing_hook:update", "housing_hook:reminder"}
	wantMessages(t, "before the restart", f.sentMessages(), want...)

	// Restart: everything new but the database, at the same instant.
	f.store.Close()
	g := newCaseFixture(t, fixtureOptions{dsn: dsn})
	g.clock.Set(t0.Add(24 * time.Hour))
	for _, it := range items {
		g.handle(it) // a publisher retry after the duplicate window
	}
	g.tickAt(t0, 24*time.Hour)
	wantMessages(t, "after the restart", g.sentMessages(), want...)
	g.tickAt(t0, 38*time.Hour+24*time.Minute)
	wantMessages(t, "at 80%", g.sentMessages(), append(want, "housing_hook:reminder")...)
	if c := g.onlyCase("housing"); c.Articles != 3 || c.Schedule.Updates != 1 {
		t.Errorf("case after restart: %d articles, %d updates", c.Articles, c.Schedule.Updates)
	}
}

// openBus is bustest.Open with redeliveries a few milliseconds apart, so
// that a lost ack comes back at once.
func openBus(t *testing.T) *bus.Bus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	b, err := bus.Open(ctx, bus.Options{Config: config.NATS{Namespace: bustest.Namespace(t)}, DataDir: t.TempDir(),
		Logger: bustest.Logger(t), NakDelay: func(uint64) time.Duration { return 5 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Error(err)
		}
	})
	return b
}
