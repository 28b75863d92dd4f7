package bus_test

import (
	"context"
	"encoding/json"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/bus"
	"github.com/yuqing/yuqing/bus/bustest"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// waitLimit only guards against a hung test; nothing asserts on speed.
const waitLimit = 30 * time.Second

func loadItems(t testing.TB) []model.Item {
	t.Helper()
	data, err := os.ReadFile("testdata/items.json")
	if err != nil {
		t.Fatal(err)
	}
	var items []model.Item
	if err := json.Unmarshal(data, &items); err != nil {
		t.Fatal(err)
	}
	return items
}

// item is a minimal valid item for tests that only care about identity.
func item(source, id string) model.Item {
	return model.Item{ID: source + ":" + id, SourceID: source, Title: "测试 " + id}
}

type env struct {
	bus *bus.Bus
	reg *prometheus.Registry
}

// open opens a bus on dir (an embedded one unless c.URL is set) and closes
// it at cleanup. Retries are fast so redelivery tests finish quickly.
func open(t testing.TB, dir string, c config.NATS) env {
	t.Helper()
	if c.Namespace == "" {
		c.Namespace = bustest.Namespace(t)
	}
	reg := prometheus.NewRegistry()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	b, err := bus.Open(ctx, bus.Options{
		Config: c, DataDir: dir, Logger: bustest.Logger(t), Registerer: reg, Name: "bus-test",
		NakDelay: func(uint64) time.Duration { return 5 * time.Millisecond },
	})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return env{bus: b, reg: reg}
}

func publishItems(t testing.TB, b *bus.Bus, items ...model.Item) {
	t.Helper()
	for _, it := range items {
		if err := b.PublishItem(context.Background(), it); err != nil {
			t.Fatalf("publish %s: %v", it.ID, err)
		}
	}
}

// waitFor polls cond; it is used only for server-side state that sends no
// signal (consumer info).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func pending(t testing.TB, b *bus.Bus, consumer string) uint64 {
	t.Helper()
	p, err := b.Pending(context.Background())
	if err != nil {
		t.Fatalf("pending: %v", err)
	}
	return p[consumer]
}

func waitSettled(t testing.TB, b *bus.Bus, consumer string) {
	t.Helper()
	waitFor(t, consumer+" to have nothing pending", func() bool { return pending(t, b, consumer) == 0 })
}

// counter reads one sample of a counter from reg; 0 when absent.
func counter(t testing.TB, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
					continue metrics
				}
			}
			return m.GetCounter().GetValue()
		}
	}
	return 0
}

// recorder is a handler that counts calls per item id and reports each
// successful one on done.
type recorder struct {
	mu    sync.Mutex
	calls map[string]int
	done  chan string
	// fail decides the handler's result from the id and its call number.
	fail func(id string, call int) error
}

func newRecorder(fail func(string, int) error) *recorder {
	return &recorder{calls: map[string]int{}, done: make(chan string, 1024), fail: fail}
}

func (r *recorder) handle(_ context.Context, it model.Item) error {
	r.mu.Lock()
	r.calls[it.ID]++
	n := r.calls[it.ID]
	r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(it.ID, n); err != nil {
			return err
		}
	}
	r.done <- it.ID
	return nil
}

func (r *recorder) callsOf(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[id]
}

// await returns the ids of the next n successful calls.
func (r *recorder) await(t testing.TB, n int) []string {
	t.Helper()
	ids := make([]string, 0, n)
	timeout := time.After(waitLimit)
	for len(ids) < n {
		select {
		case id := <-r.done:
			ids = append(ids, id)
		case <-timeout:
			t.Fatalf("got %d of %d messages: %v", len(ids), n, ids)
		}
	}
	return ids
}

func consumeItems(t testing.TB, b *bus.Bus, workers int, h func(context.Context, model.Item) error) *bus.Consumer {
	t.Helper()
	c, err := b.ConsumeItems(context.Background(), workers, h)
	if err != nil {
		t.Fatalf("consume items: %v", err)
	}
	t.Cleanup(c.Stop)
	return c
}
