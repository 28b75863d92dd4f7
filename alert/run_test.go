package alert_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/model"
)

// alertPayloadJSON is the outbox payload of a minimal alert.
func alertPayloadJSON(caseID int64) []byte {
	data, _ := json.Marshal(model.Alert{CaseID: caseID, Department: "housing"})
	return data
}

// guard bounds waits for signals so that a broken dispatcher fails the test
// instead of hanging it. It is never what a test asserts.
const guard = 10 * time.Second

func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(guard):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// startRun runs d until the returned cancel is called; done is closed when
// Run has returned, and runErr then holds its result.
func startRun(t *testing.T, d *alert.Dispatcher) (cancel func(), done <-chan struct{}, runErr *error) {
	ctx, cancel := context.WithCancel(context.Background())
	closed := make(chan struct{})
	var err error
	go func() {
		err = d.Run(ctx)
		close(closed)
	}()
	t.Cleanup(func() {
		cancel()
		waitFor(t, closed, "Run to return at cleanup")
	})
	return cancel, closed, &err
}

func TestKickWakesRunAndShutdownFinishesSends(t *testing.T) {
	entered, release := make(chan struct{}, 1), make(chan struct{})
	hour := func(o *alert.DispatchOptions) { o.PollInterval = time.Hour }
	f := newDispatchFixture(t, shortRetry, always(ok200), hour)
	f.sink.hold = func() {
		entered <- struct{}{}
		<-release
	}
	claims := make(chan int, 16)
	f.outbox.onClaim = func(n int) { claims <- n }

	cancel, done, runErr := startRun(t, f.disp)
	if n := waitFor(t, claims, "the first drain"); n != 0 {
		t.Fatalf("first claim returned %d deliveries, want 0", n)
	}
	// Polling is an hour away: only Kick can make Run see this delivery.
	id := f.outbox.add(1, "hook", alertPayload(t, 1), f.clock.Now())
	f.disp.Kick()
	waitFor(t, entered, "the kicked delivery to reach the receiver")

	// Stop while the send is under way: Run must let it finish and record it.
	cancel()
	select {
	case <-done:
		t.Fatal("Run returned while a send was under way")
	default:
	}
	close(release)
	waitFor(t, done, "Run to return")
	if *runErr != nil {
		t.Fatalf("Run = %v, want nil", *runErr)
	}
	if row := f.outbox.row(id); row.State != stateDelivered {
		t.Fatalf("row = %+v: the send under way at shutdown was not finished and recorded", row)
	}
}

// gatedNotifier holds every send until the test lets one through, and
// records how many were under way at once and which deliveries it saw.
type gatedNotifier struct {
	gate     chan struct{}
	mu       sync.Mutex
	inFlight int
	maxSeen  int
	ids      []int64
}

func (g *gatedNotifier) Notify(ctx context.Context, _ model.Alert) (bool, error) {
	id, _ := alert.DeliveryID(ctx)
	g.mu.Lock()
	g.inFlight++
	g.maxSeen = max(g.maxSeen, g.inFlight)
	g.ids = append(g.ids, id)
	g.mu.Unlock()
	<-g.gate
	g.mu.Lock()
	g.inFlight--
	g.mu.Unlock()
	return false, nil
}

func (g *gatedNotifier) state() (inFlight, maxSeen int, ids []int64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.inFlight, g.maxSeen, slices.Clone(g.ids)
}

// newGatedDispatcher runs inside a synctest bubble: time.Now is the
// bubble's clock, and synctest.Wait tells when every goroutine is stuck.
func newGatedDispatcher(t *testing.T, edit func(*alert.DispatchOptions)) (*alert.Dispatcher, *memOutbox, *gatedNotifier) {
	t.Helper()
	outbox, g := newMemOutbox(), &gatedNotifier{gate: make(chan struct{})}
	o := alert.DispatchOptions{Outbox: outbox, Notifiers: map[string]alert.Notifier{"gated": g}, PollInterval: time.Hour}
	edit(&o)
	d, err := alert.NewDispatcher(o)
	if err != nil {
		t.Fatal(err)
	}
	return d, outbox, g
}

func TestKickCoalescesAndPollWakes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d, outbox, g := newGatedDispatcher(t, func(*alert.DispatchOptions) {})
		for range 3 {
			d.Kick() // nobody is listening yet: must not block
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- d.Run(ctx) }()
		synctest.Wait()
		// The drain at start, then one for the three merged kicks.
		if got := outbox.claimCount(); got != 2 {
			t.Fatalf("claims after 3 kicks = %d, want 2", got)
		}
		id := outbox.add(1, "gated", alertPayloadJSON(1), time.Now())
		d.Kick()
		synctest.Wait()
		if inFlight, _, ids := g.state(); inFlight != 1 || !slices.Equal(ids, []int64{id}) {
			t.Fatalf("after a kick: %d sends under way with delivery ids %v, want 1 with [%d]", inFlight, ids, id)
		}
		g.gate <- struct{}{}
		synctest.Wait()
		claims := outbox.claimCount()
		time.Sleep(time.Hour) // the poll interval
		synctest.Wait()
		if got := outbox.claimCount(); got != claims+1 {
			t.Fatalf("claims after one poll interval = %d, want %d", got, claims+1)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run = %v", err)
		}
		if row := outbox.row(id); row.State != stateDelivered {
			t.Fatalf("row = %+v, want delivered", row)
		}
	})
}

func TestShutdownWaitsForSendsUnderWay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d, outbox, g := newGatedDispatcher(t, func(*alert.DispatchOptions) {})
		id := outbox.add(1, "gated", alertPayloadJSON(1), time.Now())
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- d.Run(ctx) }()
		synctest.Wait()
		cancel()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("Run returned while a send was under way")
		default:
		}
		g.gate <- struct{}{}
		if err := <-done; err != nil {
			t.Fatalf("Run = %v", err)
		}
		if row := outbox.row(id); row.State != stateDelivered {
			t.Fatalf("row = %+v, want delivered", row)
		}
	})
}

func TestDispatchSendsConcurrentlyWithinLimit(t *testing.T) {
	const limit, deliveries = 2, 5
	synctest.Test(t, func(t *testing.T) {
		d, outbox, g := newGatedDispatcher(t, func(o *alert.DispatchOptions) { o.Concurrency = limit })
		for i := range deliveries {
			outbox.add(int64(i), "gated", alertPayloadJSON(int64(i)), time.Now())
		}
		drained := make(chan int, 1)
		go func() { n, _ := d.DrainOnce(t.Context()); drained <- n }()
		for left := deliveries; left > 0; left-- {
			synctest.Wait()
			if inFlight, _, _ := g.state(); inFlight != min(limit, left) {
				t.Fatalf("%d sends under way with %d left, want %d", inFlight, left, min(limit, left))
			}
			g.gate <- struct{}{}
		}
		if n := <-drained; n != deliveries {
			t.Fatalf("DrainOnce = %d, want %d", n, deliveries)
		}
		if _, maxSeen, ids := g.state(); maxSeen != limit || len(ids) != deliveries {
			t.Fatalf("max %d sends at once for %d deliveries, want %d for %d", maxSeen, len(ids), limit, deliveries)
		}
	})
}

func TestSlowSendsLeaveTheRestForALaterClaim(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d, outbox, g := newGatedDispatcher(t, func(o *alert.DispatchOptions) {
			o.Concurrency, o.Lease = 1, 2*time.Minute
		})
		first := outbox.add(1, "gated", alertPayloadJSON(1), time.Now())
		second := outbox.add(2, "gated", alertPayloadJSON(2), time.Now())
		claimedAt := time.Now()
		drained := make(chan int, 1)
		go func() { n, _ := d.DrainOnce(t.Context()); drained <- n }()
		synctest.Wait()
		// The first send hangs past half the lease: starting the second
		// now could overlap another dispatcher's claim after the lease.
		time.Sleep(time.Minute)
		g.gate <- struct{}{}
		if n := <-drained; n != 1 {
			t.Fatalf("DrainOnce = %d, want 1 (the second delivery left alone)", n)
		}
		if row := outbox.row(first); row.State != stateDelivered {
			t.Fatalf("first = %+v, want delivered", row)
		}
		if row := outbox.row(second); row.State != statePending || row.Attempts != 1 || !row.NextAttemptAt.Equal(claimedAt.Add(2*time.Minute)) {
			t.Fatalf("second = %+v, want untouched until its lease ends", row)
		}
		time.Sleep(time.Minute)
		go func() { n, _ := d.DrainOnce(t.Context()); drained <- n }()
		synctest.Wait()
		g.gate <- struct{}{}
		if n := <-drained; n != 1 || outbox.row(second).State != stateDelivered {
			t.Fatalf("after the lease: DrainOnce = %d, second = %+v", n, outbox.row(second))
		}
	})
}
