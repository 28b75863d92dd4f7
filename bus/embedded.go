package bus

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/yuqing/yuqing/config"
)

// defaultStartTimeout bounds the embedded server start and the first connect
// to an external server when ctx has no deadline.
const defaultStartTimeout = 15 * time.Second

// serverLogger routes nats-server's log to slog. Its Fatalf only logs and
// remembers the failure: the stock logger exits the process, and JetStream
// reports a failed start (for example an unusable store directory) through
// Fatalf.
type serverLogger struct {
	log *slog.Logger

	mu       sync.Mutex
	failures []string    // Errorf and Fatalf lines, newest last, bounded
	fatal    chan string // receives the first Fatalf line
	once     sync.Once
}

const keptFailures = 5

func newServerLogger(log *slog.Logger) *serverLogger {
	return &serverLogger{log: log, fatal: make(chan string, 1)}
}

// Noticef goes to debug: the server announces its banner and every start
// and stop step as notices, which drown the daemon's own log.
func (l *serverLogger) Noticef(format string, v ...any) { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l *serverLogger) Warnf(format string, v ...any)   { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l *serverLogger) Debugf(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l *serverLogger) Tracef(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }

func (l *serverLogger) Errorf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	l.log.Error(msg)
	l.remember(msg)
}

func (l *serverLogger) Fatalf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	l.log.Error(msg, "fatal", true)
	l.remember(msg)
	l.once.Do(func() { l.fatal <- msg })
}

func (l *serverLogger) remember(msg string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures = append(l.failures, msg)
	if len(l.failures) > keptFailures {
		l.failures = l.failures[len(l.failures)-keptFailures:]
	}
}

func (l *serverLogger) recentFailures() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.failures, "; ")
}

// startEmbedded starts nats-server with JetStream in storeDir and
// waits until it accepts clients, failed, or the start timeout passed.
func startEmbedded(ctx context.Context, c config.NATS, storeDir string, log *slog.Logger) (*server.Server, error) {
	opts := &server.Options{
		ServerName:             "yuqing-embedded",
		DontListen:             true,
		JetStream:              true,
		StoreDir:               storeDir,
		JetStreamMaxMemory:     int64(c.MaxMemory),
		JetStreamMaxStore:      int64(c.MaxStore),
		SyncInterval:           c.SyncInterval.D(),
		SyncAlways:             c.SyncAlways,
		NoSigs:                 true,
		DisableJetStreamBanner: true,
	}
	if c.Listen != "" {
		host, port, err := splitListen(c.Listen)
		if err != nil {
			return nil, fmt.Errorf("bus: start embedded server: %w", err)
		}
		opts.DontListen, opts.Host, opts.Port = false, host, port
	}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("bus: start embedded server: %w", err)
	}
	slogger := newServerLogger(log)
	ns.SetLoggerV2(slogger, log.Enabled(ctx, slog.LevelDebug), false, false)
	go ns.Start()
	if err := waitReady(ctx, ns, slogger); err != nil {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("bus: start embedded server in %s: %w", opts.StoreDir, err)
	}
	return ns, nil
}

// waitReady polls in short steps so that a Fatalf (after which the server
// never becomes ready) ends the wait at once instead of at the timeout.
func waitReady(ctx context.Context, ns *server.Server, l *serverLogger) error {
	ctx, cancel := withDefaultTimeout(ctx, defaultStartTimeout)
	defer cancel()
	for {
		if ns.ReadyForConnections(50 * time.Millisecond) {
			return nil
		}
		select {
		case msg := <-l.fatal:
			return fmt.Errorf("server failed: %s", msg)
		case <-ctx.Done():
			if f := l.recentFailures(); f != "" {
				return fmt.Errorf("not ready: %w (server said: %s)", ctx.Err(), f)
			}
			return fmt.Errorf("not ready: %w", ctx.Err())
		default:
		}
	}
}

// splitListen reads host:port; port 0 asks for a random free port (which
// nats-server spells -1).
func splitListen(listen string) (string, int, error) {
	host, portText, err := net.SplitHostPort(listen)
	if err != nil {
		return "", 0, fmt.Errorf("listen %q: %w", listen, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("listen %q: invalid port", listen)
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	return host, port, nil
}

// embeddedClientURL is the TCP URL other clients use. A wildcard bind address
// is replaced by the loopback address, which is the one certainly reachable.
func embeddedClientURL(ns *server.Server) string {
	addr, ok := ns.Addr().(*net.TCPAddr)
	if !ok {
		return ""
	}
	host := addr.IP
	if host.IsUnspecified() {
		host = net.IPv4(127, 0, 0, 1)
	}
	return "nats://" + net.JoinHostPort(host.String(), strconv.Itoa(addr.Port))
}

func withDefaultTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
