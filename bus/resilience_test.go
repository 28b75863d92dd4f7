package bus_test

import (
	"context"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/yuqing/yuqing/bus"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// TestManyWorkersDrainBacklog guards the pull loop: with nats.go's
// Messages iterator shared by several workers, a backlog like this one
// stalled for 30 s (a lost pull request, found only by the heartbeat), which
// exceeds waitLimit here.
func TestManyWorkersDrainBacklog(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	const n = 10000
	var handled atomic.Int64
	all := make(chan struct{})
	consumeItems(t, e.bus, 8, func(context.Context, model.Item) error {
		if handled.Add(1) == n {
			close(all)
		}
		return nil
	})
	for i := range n {
		publishItems(t, e.bus, item("backlog", strconv.Itoa(i)))
	}
	select {
	case <-all:
	case <-time.After(waitLimit):
		t.Fatalf("handled %d of %d", handled.Load(), n)
	}
	waitSettled(t, e.bus, bus.ConsumerAnalyze)
	if got := handled.Load(); got != n {
		t.Fatalf("handled %d, want %d (no duplicates expected without failures)", got, n)
	}
}

func TestDeletedConsumerIsRecreated(t *testing.T) {
	e := open(t, t.TempDir(), config.NATS{})
	rec := newRecorder(nil)
	consumeItems(t, e.bus, 2, rec.handle)
	before, after := item("src", "before"), item("src", "after")
	publishItems(t, e.bus, before)
	rec.await(t, 1)

	js, err := jetstream.New(e.bus.Conn())
	if err != nil {
		t.Fatal(err)
	}
	if err := js.DeleteConsumer(context.Background(), e.bus.Streams()[0], bus.ConsumerAnalyze); err != nil {
		t.Fatal(err)
	}
	publishItems(t, e.bus, after)
	// The recreated durable starts from the beginning again, as after a
	// restart: "before" may come twice, "after" must come.
	for {
		if got := rec.await(t, 1); got[0] == after.ID {
			break
		}
	}
	waitSettled(t, e.bus, bus.ConsumerAnalyze)
}

func TestReconnectAfterServerRestart(t *testing.T) {
	storeDir := t.TempDir()
	first := startServer(t, storeDir, server.RANDOM_PORT)
	url, port := first.ClientURL(), first.Addr().(*net.TCPAddr).Port
	e := open(t, "", config.NATS{URL: url})
	rec := newRecorder(nil)
	consumeItems(t, e.bus, 2, rec.handle)
	publishItems(t, e.bus, item("src", "1"))
	rec.await(t, 1)

	first.Shutdown()
	first.WaitForShutdown()
	waitFor(t, "the bus to notice the outage", func() bool { return e.bus.Ready() != nil })
	startServer(t, storeDir, port)
	waitFor(t, "the bus to reconnect", func() bool { return e.bus.Ready() == nil })

	publishItems(t, e.bus, item("src", "2"))
	if got := rec.await(t, 1); got[0] != "src:2" {
		t.Fatalf("got %v after reconnect, want src:2", got)
	}
	waitSettled(t, e.bus, bus.ConsumerAnalyze)
}

// startServer runs a JetStream server on 127.0.0.1:port with its store in
// dir; unlike bustest.Server it can be stopped and started again on the same
// port and store.
func startServer(t *testing.T, dir string, port int) *server.Server {
	t.Helper()
	ns, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: port, JetStream: true, StoreDir: dir,
		NoSigs: true, NoLog: true, DisableJetStreamBanner: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	go ns.Start()
	t.Cleanup(func() {
		ns.Shutdown()
		ns.WaitForShutdown()
	})
	if !ns.ReadyForConnections(waitLimit) {
		t.Fatal("server not ready")
	}
	return ns
}
