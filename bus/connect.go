package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

const (
	reconnectWait = 2 * time.Second
	drainTimeout  = 20 * time.Second
)

// connOptions are shared by both paths: reconnect forever (a NATS outage must
// not end the process), log connection changes, and report when the
// connection is finally closed so Close can wait for the drain.
func connOptions(name string, log *slog.Logger, closed chan<- struct{}) []nats.Option {
	return []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(reconnectWait),
		nats.DrainTimeout(drainTimeout),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				log.Warn("nats disconnected", "err", err)
			}
		}),
		nats.ReconnectHandler(func(nc *nats.Conn) {
			log.Info("nats reconnected", "url", nc.ConnectedUrlRedacted())
		}),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			subj := ""
			if sub != nil {
				subj = sub.Subject
			}
			log.Warn("nats async error", "subject", subj, "err", err)
		}),
		nats.ClosedHandler(func(*nats.Conn) { close(closed) }),
	}
}

func connectInProcess(ns *server.Server, opts []nats.Option) (*nats.Conn, error) {
	nc, err := nats.Connect(ns.ClientURL(), append(opts, nats.InProcessServer(ns))...)
	if err != nil {
		return nil, fmt.Errorf("bus: connect to embedded server: %w", err)
	}
	return nc, nil
}

// connectExternal connects to url. The first connect is retried in the
// background (RetryOnFailedConnect) so that a cluster that is still starting
// is fine, but Open gives up when nothing answered before ctx's deadline (or
// defaultStartTimeout).
func connectExternal(ctx context.Context, url, credentials string, opts []nats.Option) (*nats.Conn, error) {
	opts = append(opts, nats.RetryOnFailedConnect(true))
	if credentials != "" {
		opts = append(opts, nats.UserCredentials(credentials))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("bus: connect to %s: %w", redactURL(url), err)
	}
	ctx, cancel := withDefaultTimeout(ctx, defaultStartTimeout)
	defer cancel()
	connected := nc.StatusChanged(nats.CONNECTED)
	defer nc.RemoveStatusListener(connected)
	for !nc.IsConnected() {
		select {
		case <-connected:
		case <-ctx.Done():
			lastErr := nc.LastError()
			nc.Close()
			if lastErr == nil {
				lastErr = errors.New("no server answered")
			}
			return nil, fmt.Errorf("bus: connect to %s: %w (last error: %w)", redactURL(url), ctx.Err(), lastErr)
		}
	}
	return nc, nil
}

// redactURL hides credentials in a comma-separated list of NATS URLs.
func redactURL(urls string) string {
	parts := strings.Split(urls, ",")
	for i, p := range parts {
		u, err := url.Parse(strings.TrimSpace(p))
		if err != nil {
			parts[i] = "<unparsable url>"
			continue
		}
		if u.User != nil {
			u.User = url.User("redacted")
		}
		parts[i] = u.String()
	}
	return strings.Join(parts, ",")
}
