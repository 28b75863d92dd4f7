package bus_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/yuqing/yuqing/bus"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

func TestPublishConsumeAck(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	items := loadItems(t)
	publishItems(t, e.bus, items...)
	// The consumer's counts follow the stream asynchronously.
	waitFor(t, "3 items pending", func() bool { return pending(t, e.bus, bus.ConsumerAnalyze) == uint64(len(items)) })

	var mu sync.Mutex
	received := map[string]model.Item{}
	rec := newRecorder(nil)
	consumeItems(t, e.bus, 2, func(ctx context.Context, it model.Item) error {
		mu.Lock()
		received[it.ID] = it
		mu.Unlock()
		return rec.handle(ctx, it)
	})
	rec.await(t, len(items))
	mu.Lock()
	defer mu.Unlock()
	waitSettled(t, e.bus, bus.ConsumerAnalyze)

	for _, want := range items {
		got, ok := received[want.ID]
		if !ok {
			t.Errorf("item %s not received", want.ID)
			continue
		}
		if got.Title != want.Title || !got.PublishedAt.Equal(want.PublishedAt) || got.SourceID != want.SourceID {
			t.Errorf("item %s changed in transit:\n got %+v\nwant %+v", want.ID, got, want)
		}
	}
	acks := counter(t, e.reg, "yuqing_bus_messages_total", map[string]string{"consumer": "analyze", "result": "ack"})
	if acks != float64(len(items)) {
		t.Errorf("ack counter = %v, want %d", acks, len(items))
	}
	if got := counter(t, e.reg, "yuqing_bus_published_total", map[string]string{"stream": "items"}); got != float64(len(items)) {
		t.Errorf("published counter = %v, want %d", got, len(items))
	}
}

func TestDuplicateIDConsumedOnce(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	dup, sentinel := item("src", "dup"), item("src", "sentinel")
	publishItems(t, e.bus, dup, dup, sentinel)

	rec := newRecorder(nil)
	consumeItems(t, e.bus, 1, rec.handle)
	// One worker sees the stream in order: once the sentinel is in, any
	// second copy of dup would have been delivered before it.
	got := rec.await(t, 2)
	if want := []string{dup.ID, sentinel.ID}; !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v", got, want)
	}
	waitSettled(t, e.bus, bus.ConsumerAnalyze)
	if n := rec.callsOf(dup.ID); n != 1 {
		t.Fatalf("duplicate handled %d times, want 1", n)
	}
}

func TestRestartKeepsUnconsumedAndForgetsAcked(t *testing.T) {
	dir := t.TempDir()
	c := config.NATS{Namespace: "restart"}
	acked := []model.Item{item("src", "a1"), item("src", "a2")}
	waiting := []model.Item{item("src", "b1"), item("src", "b2")}

	// Run 1 consumes and acks two items.
	first := open(t, dir, c)
	publishItems(t, first.bus, acked...)
	rec := newRecorder(nil)
	cons := consumeItems(t, first.bus, 2, rec.handle)
	rec.await(t, len(acked))
	cons.Stop()
	waitSettled(t, first.bus, bus.ConsumerAnalyze)
	if err := first.bus.Close(); err != nil {
		t.Fatal(err)
	}

	// Run 2 only publishes (ingest up, analyze down).
	second := open(t, dir, c)
	publishItems(t, second.bus, waiting...)
	if err := second.bus.Close(); err != nil {
		t.Fatal(err)
	}

	// Run 3 gets exactly the unconsumed items, in order.
	third := open(t, dir, c)
	waitFor(t, "2 items pending after restart", func() bool {
		return pending(t, third.bus, bus.ConsumerAnalyze) == uint64(len(waiting))
	})
	sentinel := item("src", "sentinel")
	publishItems(t, third.bus, sentinel)
	rec3 := newRecorder(nil)
	consumeItems(t, third.bus, 1, rec3.handle)
	got := rec3.await(t, 3)
	want := []string{waiting[0].ID, waiting[1].ID, sentinel.ID}
	if !slices.Equal(got, want) {
		t.Fatalf("after restart delivered %v, want %v (acked items must not come back)", got, want)
	}
}

func TestPoisonMessagesAreTerminated(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	js, err := jetstream.New(e.bus.Conn())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	subj := e.bus.Subject(bus.KindItems, "src")
	raw := map[string]string{
		"invalid-json": `{"id": "src:broken", "title": `,
		"not-an-item":  `["a", "list"]`,
		"no-id":        `{"source": "src", "title": "没有编号"}`,
	}
	for id, body := range raw {
		if _, err := js.Publish(ctx, subj, []byte(body), jetstream.WithMsgID(id)); err != nil {
			t.Fatal(err)
		}
	}
	rejected, good := item("src", "rejected"), item("src", "good")
	publishItems(t, e.bus, rejected, good)

	rec := newRecorder(func(id string, _ int) error {
		if id == rejected.ID {
			return model.Permanent(errors.New("部门代码不存在"))
		}
		return nil
	})
	consumeItems(t, e.bus, 2, rec.handle)
	if got := rec.await(t, 1); got[0] != good.ID {
		t.Fatalf("got %v, want only %s", got, good.ID)
	}
	waitSettled(t, e.bus, bus.ConsumerAnalyze)

	if n := rec.callsOf(rejected.ID); n != 1 {
		t.Errorf("permanently failing item handled %d times, want 1", n)
	}
	terms := counter(t, e.reg, "yuqing_bus_messages_total", map[string]string{"consumer": "analyze", "result": "term"})
	if want := float64(len(raw) + 1); terms != want {
		t.Errorf("term counter = %v, want %v", terms, want)
	}
	if naks := counter(t, e.reg, "yuqing_bus_messages_total", map[string]string{"result": "nak"}); naks != 0 {
		t.Errorf("nak counter = %v, want 0: poison must not be retried", naks)
	}
}

func TestTransientErrorIsRedelivered(t *testing.T) {
	cases := []struct {
		name     string
		failures int
		fail     func(call int) error
	}{
		{"error", 2, func(int) error { return errors.New("数据库暂时不可用") }},
		{"wrapped context error", 1, func(int) error { return fmt.Errorf("store: %w", context.DeadlineExceeded) }},
		{"panic", 1, func(int) error { panic("handler bug") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := open(t, t.TempDir(), config.NATS{})
			it := item("src", "flaky")
			publishItems(t, e.bus, it)
			rec := newRecorder(func(_ string, call int) error {
				if call <= tc.failures {
					return tc.fail(call)
				}
				return nil
			})
			consumeItems(t, e.bus, 1, rec.handle)
			rec.await(t, 1)
			waitSettled(t, e.bus, bus.ConsumerAnalyze)
			if n := rec.callsOf(it.ID); n != tc.failures+1 {
				t.Errorf("handled %d times, want %d", n, tc.failures+1)
			}
			naks := counter(t, e.reg, "yuqing_bus_messages_total", map[string]string{"result": "nak"})
			if naks != float64(tc.failures) {
				t.Errorf("nak counter = %v, want %d", naks, tc.failures)
			}
		})
	}
}

func TestMaxDeliverGivesUp(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{MaxDeliver: 3})
	hopeless, next := item("src", "hopeless"), item("src", "next")
	publishItems(t, e.bus, hopeless)
	rec := newRecorder(func(id string, _ int) error {
		if id == hopeless.ID {
			return errors.New("接收方一直超时")
		}
		return nil
	})
	consumeItems(t, e.bus, 1, rec.handle)
	waitFor(t, "the hopeless item to be given up", func() bool {
		return counter(t, e.reg, "yuqing_bus_messages_total", map[string]string{"result": "term"}) == 1
	})
	publishItems(t, e.bus, next)
	rec.await(t, 1)
	waitSettled(t, e.bus, bus.ConsumerAnalyze)
	if n := rec.callsOf(hopeless.ID); n != 3 {
		t.Fatalf("hopeless item handled %d times, want MaxDeliver = 3", n)
	}
}

func TestStopWaitsForInFlightHandler(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	started, stopped, handled := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var stopReturnedEarly atomic.Bool
	c, err := e.bus.ConsumeItems(context.Background(), 2, func(ctx context.Context, it model.Item) error {
		defer close(handled)
		close(started)
		// A correct Stop cannot return while this handler runs, so
		// stopped can only win this race when Stop is broken; the timer
		// only limits how long the handler gives a broken Stop to show.
		select {
		case <-stopped:
			stopReturnedEarly.Store(true)
		case <-time.After(200 * time.Millisecond):
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	publishItems(t, e.bus, item("src", "slow"))
	<-started
	go func() {
		c.Stop()
		close(stopped)
	}()
	<-stopped
	<-handled
	if stopReturnedEarly.Load() {
		t.Fatal("Stop returned while a handler was still running")
	}
	// No waiting here: Stop returns only after the ack was confirmed.
	if got := pending(t, e.bus, bus.ConsumerAnalyze); got != 0 {
		t.Fatalf("pending after Stop = %d, want 0 (the in-flight message must be acked)", got)
	}
	c.Stop() // a second Stop is harmless
}

func TestCancelledContextEndsConsumer(t *testing.T) {
	// A short AckWait bounds the wait should the handed-back message be
	// offered to the ending consumer's last pull request (see Consumer).
	e := open(t, t.TempDir(), config.NATS{AckWait: config.Duration(2 * time.Second)})
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan struct{})
	c, err := e.bus.ConsumeItems(ctx, 1, func(ctx context.Context, it model.Item) error {
		close(started)
		<-ctx.Done() // a handler that only ends when told to
		return ctx.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	stuck := item("src", "stuck")
	publishItems(t, e.bus, stuck)
	<-started
	cancel()
	<-c.Done()
	c.Stop() // returns at once: the consumer has ended

	// The interrupted message was handed back, not lost: a new consumer
	// gets it.
	rec := newRecorder(nil)
	consumeItems(t, e.bus, 1, rec.handle)
	if got := rec.await(t, 1); got[0] != stuck.ID {
		t.Fatalf("got %v, want %s", got, stuck.ID)
	}
	waitSettled(t, e.bus, bus.ConsumerAnalyze)
}

func TestConsumeTagged(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	items := loadItems(t)
	want := model.TaggedItem{Item: items[0], Analysis: model.Analysis{
		Topics:      []model.TopicMatch{{ID: "water", Name: "供水", Score: 0.8, Terms: []string{"停水"}}},
		Regions:     []string{"咸安区"},
		Negativity:  0.7,
		Severity:    model.SeverityIV,
		Departments: []string{"xa_water"},
	}}
	if err := e.bus.PublishTagged(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	got := make(chan model.TaggedItem, 1)
	c, err := e.bus.ConsumeTagged(context.Background(), 1, func(_ context.Context, ti model.TaggedItem) error {
		got <- ti
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	ti := <-got
	if ti.Item.ID != want.Item.ID || ti.Analysis.Severity != model.SeverityIV ||
		!slices.Equal(ti.Analysis.TopicIDs(), []string{"water"}) || ti.Analysis.Regions[0] != "咸安区" {
		t.Fatalf("tagged item changed in transit: %+v", ti)
	}
	waitSettled(t, e.bus, bus.ConsumerAlert)
}

func TestConsumeRejectsNoWorkers(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	if _, err := e.bus.ConsumeItems(context.Background(), 0, newRecorder(nil).handle); err == nil {
		t.Fatal("ConsumeItems with 0 workers succeeded")
	}
}
