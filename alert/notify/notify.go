// Package notify builds the receivers of the configuration. Each kind of
// receiver lives in its own package below this one.
package notify

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/logger"
	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/config"
)

// Options are the shared dependencies of all receivers.
type Options struct {
	// Logger is where log receivers write (nil: discard).
	Logger *slog.Logger
	// HTTPClient is used by HTTP receivers (nil: each kind's default).
	HTTPClient *http.Client
	Now        func() time.Time
	// UserAgent of HTTP receivers, e.g. "yuqing/1.2.0".
	UserAgent string
}

// Build returns a notifier per receiver, keyed by receiver name. It reports
// every bad receiver at once, each error naming the receiver and its place.
func Build(receivers []config.Receiver, o Options) (map[string]alert.Notifier, error) {
	out := make(map[string]alert.Notifier, len(receivers))
	var errs []error
	for _, r := range receivers {
		n, err := build(r, o)
		switch {
		case err != nil:
		case r.Name == "":
			err = errors.New("receiver has no name")
		case out[r.Name] != nil:
			err = fmt.Errorf("receiver %q is defined twice", r.Name)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("notify: build receiver %q (%s): %w", r.Name, r.Pos, err))
			continue
		}
		out[r.Name] = n
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

func build(r config.Receiver, o Options) (alert.Notifier, error) {
	kinds := 0
	for _, set := range []bool{r.Webhook != nil, r.Log != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return nil, fmt.Errorf("want exactly one kind (webhook or log), found %d", kinds)
	}
	switch r.Kind() {
	case "webhook":
		return webhook.New(r.Name, *r.Webhook, webhook.Options{HTTPClient: o.HTTPClient, Now: o.Now, UserAgent: o.UserAgent})
	case "log":
		return logger.New(r.Name, o.Logger), nil
	}
	return nil, fmt.Errorf("receiver kind %q is not supported", r.Kind())
}
