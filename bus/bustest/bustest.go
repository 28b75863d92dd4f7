// Package bustest gives other packages' tests a real JetStream: an embedded
// bus in a temporary directory, a standalone server on a random port, or the
// machine's NATS server named by YUQING_TEST_NATS_URL. Everything is cleaned
// up with t.Cleanup.
package bustest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/yuqing/yuqing/bus"
	"github.com/yuqing/yuqing/config"
)

// EnvURL names the environment variable with the external NATS server used
// by External. CI sets it to nats://127.0.0.1:4222.
const EnvURL = "YUQING_TEST_NATS_URL"

const startTimeout = 10 * time.Second

// Server runs a standalone JetStream server on 127.0.0.1 at a random port
// with its store in a temporary directory, and returns its client URL. It
// stands in for an external server or cluster.
func Server(t testing.TB) string {
	t.Helper()
	ns, err := server.NewServer(&server.Options{
		Host:                   "127.0.0.1",
		Port:                   server.RANDOM_PORT,
		JetStream:              true,
		StoreDir:               t.TempDir(),
		NoSigs:                 true,
		NoLog:                  true,
		DisableJetStreamBanner: true,
		JetStreamMaxMemory:     bus.DefaultMaxMemory,
		JetStreamMaxStore:      bus.DefaultMaxStore,
	})
	if err != nil {
		t.Fatalf("bustest: create server: %v", err)
	}
	go ns.Start()
	t.Cleanup(func() {
		ns.Shutdown()
		ns.WaitForShutdown()
	})
	if !ns.ReadyForConnections(startTimeout) {
		t.Fatalf("bustest: server not ready after %s", startTimeout)
	}
	return ns.ClientURL()
}

// Open returns an embedded bus in a temporary directory. An empty
// c.Namespace is replaced by a random one.
func Open(t testing.TB, c config.NATS) *bus.Bus {
	t.Helper()
	if c.Namespace == "" {
		c.Namespace = Namespace(t)
	}
	return open(t, bus.Options{Config: c, DataDir: t.TempDir()})
}

// External connects to the NATS server in YUQING_TEST_NATS_URL with a unique
// namespace and deletes that namespace's streams at cleanup. It skips the
// test when the variable is unset.
func External(t testing.TB) *bus.Bus {
	t.Helper()
	url := os.Getenv(EnvURL)
	if url == "" {
		t.Skipf("bustest: %s is not set", EnvURL)
	}
	b := open(t, bus.Options{Config: config.NATS{URL: url, Namespace: Namespace(t)}})
	// Registered after open's Close, so it runs first (cleanups are LIFO).
	t.Cleanup(func() { deleteStreams(t, b) })
	return b
}

// Namespace returns a random namespace ("t" and 12 hex digits) for tests
// that share a server.
func Namespace(t testing.TB) string {
	t.Helper()
	var raw [6]byte
	if _, err := rand.Read(raw[:]); err != nil {
		t.Fatalf("bustest: random namespace: %v", err)
	}
	return "t" + hex.EncodeToString(raw[:])
}

// Logger writes to the test's output at warn level and above, where the
// bus reports terminated and redelivered messages.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
}

func open(t testing.TB, o bus.Options) *bus.Bus {
	t.Helper()
	o.Logger = Logger(t)
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	b, err := bus.Open(ctx, o)
	if err != nil {
		t.Fatalf("bustest: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("bustest: %v", err)
		}
	})
	return b
}

func deleteStreams(t testing.TB, b *bus.Bus) {
	js, err := jetstream.New(b.Conn())
	if err != nil {
		t.Errorf("bustest: %v", err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for _, name := range b.Streams() {
		if err := js.DeleteStream(ctx, name); err != nil && !errors.Is(err, jetstream.ErrStreamNotFound) {
			t.Errorf("bustest: delete stream %s: %v", name, err)
		}
	}
}
