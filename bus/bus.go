package bus

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/config"
)

// ErrClosed is returned when the bus was closed.
var ErrClosed = errors.New("bus closed")

// Options are what Open needs.
type Options struct {
	Config config.NATS
	// DataDir holds the embedded server's store, under DataDir/nats.
	DataDir    string
	Logger     *slog.Logger
	Registerer prometheus.Registerer
	// Name is the client connection name shown by the server ("yuqing" when
	// empty).
	Name string
	// NakDelay says how long a message that failed transiently waits before
	// it is redelivered, given how often it has been delivered (1 on the
	// first failure). Nil means DefaultNakDelay; tests shorten it.
	NakDelay func(delivered uint64) time.Duration
}

// Bus is a connection to JetStream with yuqing's streams and consumers in
// place. Its methods are safe for concurrent use.
type Bus struct {
	cfg       config.NATS
	log       *slog.Logger
	metrics   *metrics
	nakDelay  func(uint64) time.Duration
	ns        *server.Server // nil when connected to an external server
	unlock    func()         // releases the embedded store's lock
	nc        *nats.Conn
	connDone  <-chan struct{}
	js        jetstream.JetStream
	consumers map[string]jetstream.Consumer

	mu        sync.Mutex
	running   map[*Consumer]struct{}
	closeOnce sync.Once
	closeErr  error
}

// Open starts the embedded server (Config.URL empty) or connects to
// Config.URL, then creates or updates the streams and durable consumers.
// ctx bounds the start; without a deadline Open waits at most 15 seconds for
// a server.
func Open(ctx context.Context, o Options) (*Bus, error) {
	cfg := ApplyDefaults(o.Config)
	if err := validateConfig(cfg); err != nil {
		return nil, fmt.Errorf("bus: open: invalid config: %w", err)
	}
	base := o.Logger
	if base == nil {
		base = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	log := base.With("component", "bus")
	m, err := newMetrics(o.Registerer)
	if err != nil {
		return nil, fmt.Errorf("bus: register metrics: %w", err)
	}
	b := &Bus{cfg: cfg, log: log, metrics: m, nakDelay: o.NakDelay, running: map[*Consumer]struct{}{}}
	if b.nakDelay == nil {
		b.nakDelay = DefaultNakDelay
	}
	name := o.Name
	if name == "" {
		name = "yuqing"
	}
	if err := b.connect(ctx, name, o.DataDir, base.With("component", "nats-server")); err != nil {
		return nil, err
	}
	b.js, err = jetstream.New(b.nc)
	if err != nil {
		err = fmt.Errorf("bus: open jetstream: %w", err)
	} else {
		b.consumers, err = ensureTopology(ctx, b.js, cfg)
	}
	if err != nil {
		b.Close()
		return nil, err
	}
	log.Info("bus open", "embedded", b.ns != nil, "namespace", cfg.Namespace, "client_url", redactURL(b.ClientURL()))
	return b, nil
}

func (b *Bus) connect(ctx context.Context, name, dataDir string, serverLog *slog.Logger) error {
	closed := make(chan struct{})
	b.connDone = closed
	opts := connOptions(name, b.log, closed)
	if b.cfg.URL != "" {
		nc, err := connectExternal(ctx, b.cfg.URL, b.cfg.CredentialsFile, opts)
		b.nc = nc
		return err
	}
	if dataDir == "" {
		return errors.New("bus: start embedded server: DataDir is empty")
	}
	storeDir := filepath.Join(dataDir, "nats")
	unlock, err := lockStore(storeDir)
	if err != nil {
		return fmt.Errorf("bus: start embedded server: lock store: %w", err)
	}
	ns, err := startEmbedded(ctx, b.cfg, storeDir, serverLog)
	if err != nil {
		unlock()
		return err
	}
	b.warnIfExposed(ns)
	nc, err := connectInProcess(ns, opts)
	if err != nil {
		ns.Shutdown()
		ns.WaitForShutdown()
		unlock()
		return err
	}
	b.ns, b.nc, b.unlock = ns, nc, unlock
	return nil
}

// warnIfExposed points out that the embedded server has no authentication:
// listening beyond loopback lets anyone who can reach the port read and
// write every stream.
func (b *Bus) warnIfExposed(ns *server.Server) {
	addr, ok := ns.Addr().(*net.TCPAddr)
	if ok && !addr.IP.IsLoopback() {
		b.log.Warn("embedded NATS listens beyond loopback without authentication", "addr", addr.String())
	}
}

// Close stops the consumers still running (waiting for their handlers),
// drains the connection, then shuts the embedded server down and waits for
// it. It is safe to call more than once.
func (b *Bus) Close() error {
	b.closeOnce.Do(func() { b.closeErr = b.close() })
	return b.closeErr
}

func (b *Bus) close() error {
	b.mu.Lock()
	running := make([]*Consumer, 0, len(b.running))
	for c := range b.running {
		running = append(running, c)
	}
	b.mu.Unlock()
	for _, c := range running {
		c.Stop()
	}
	var err error
	if b.nc != nil {
		switch derr := b.nc.Drain(); {
		case derr == nil, errors.Is(derr, nats.ErrConnectionClosed):
		case errors.Is(derr, nats.ErrConnectionReconnecting):
			// Nothing acknowledged is pending in the client: publishes
			// and acks that matter were confirmed synchronously.
			b.log.Warn("closing while the server is unreachable")
			b.nc.Close()
		default:
			err = fmt.Errorf("bus: drain connection: %w", derr)
			b.nc.Close()
		}
		<-b.connDone
	}
	if b.ns != nil {
		b.ns.Shutdown()
		b.ns.WaitForShutdown()
		b.unlock()
	}
	b.log.Info("bus closed")
	return err
}

// Ready reports whether the bus can be used: connected and, when embedded,
// the server running with JetStream.
func (b *Bus) Ready() error {
	if b.ns != nil && !b.ns.Running() {
		return errors.New("bus: embedded server not running")
	}
	if b.ns != nil && !b.ns.JetStreamEnabled() {
		return errors.New("bus: embedded server has JetStream disabled")
	}
	if st := b.nc.Status(); st != nats.CONNECTED {
		return fmt.Errorf("bus: not connected (%s)", st)
	}
	return nil
}

// ClientURL is where other processes connect: the embedded server's TCP URL
// when Config.Listen is set ("" when it listens in-process only), or the
// external URL as configured, credentials included.
func (b *Bus) ClientURL() string {
	if b.ns == nil {
		return b.cfg.URL
	}
	return embeddedClientURL(b.ns)
}

// Conn is the underlying connection, for core NATS uses (request/reply,
// advisories). Do not close it; Close the Bus.
func (b *Bus) Conn() *nats.Conn { return b.nc }

// Namespace is the effective namespace.
func (b *Bus) Namespace() string { return b.cfg.Namespace }

// Streams lists the names of the bus's streams.
func (b *Bus) Streams() []string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = streamName(b.cfg.Namespace, k)
	}
	return names
}

// Subject returns the subject for kind (KindItems, …) and token (a source id,
// department code or event kind) in this bus's namespace. It does not
// validate; the Publish methods do.
func (b *Bus) Subject(kind, token string) string {
	return subject(b.cfg.Namespace, kind, token)
}

// Pending returns, per durable consumer name, the messages not yet delivered
// plus those delivered and not yet acknowledged.
func (b *Bus) Pending(ctx context.Context) (map[string]uint64, error) {
	out := make(map[string]uint64, len(b.consumers))
	for name, cons := range b.consumers {
		info, err := cons.Info(ctx)
		if err != nil {
			return nil, fmt.Errorf("bus: get consumer info %s: %w", name, err)
		}
		out[name] = info.NumPending + uint64(info.NumAckPending)
	}
	return out, nil
}

func (b *Bus) track(c *Consumer) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.running[c] = struct{}{}
}

func (b *Bus) untrack(c *Consumer) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.running, c)
}
