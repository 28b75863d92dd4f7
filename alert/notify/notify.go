// Package notify builds the receivers of the configuration. Each kind of
// receiver lives in its own package below this one; message holds the
// Chinese messages they share.
//
// Receivers that post to the same destination (two departments naming
// the same robot) share one rate limiter, since the destination counts
// their messages together. The limiters live in the process: instances
// that scale out each keep their own, so give each a share of a robot's
// limit (rate_limit) or route a robot's departments through one instance.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/dingtalk"
	"github.com/yuqing/yuqing/alert/notify/email"
	"github.com/yuqing/yuqing/alert/notify/feishu"
	"github.com/yuqing/yuqing/alert/notify/internal/robot"
	"github.com/yuqing/yuqing/alert/notify/logger"
	"github.com/yuqing/yuqing/alert/notify/natspub"
	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/alert/notify/wecom"
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
	// Publisher carries nats receivers' alerts (the application passes
	// its *bus.Bus). Nil is for checking a configuration: a nats receiver
	// built without it fails every alert.
	Publisher natspub.Publisher
	// ConsoleURL is the web console (alert.public_url): digests link to it
	// and Alertmanager payloads name it as externalURL.
	ConsoleURL string
	// Location shows times in messages (nil: Asia/Shanghai).
	Location *time.Location
	// Sleep paces the parts of a message within a short rate window
	// (nil: a timer). Tests pass one that advances their clock.
	Sleep func(ctx context.Context, d time.Duration) error
	// Sent holds, by receiver name, when its latest messages went out
	// (the outbox's record, from before a restart). Each rate limiter
	// starts with the sends of its receivers, so that a restart right
	// after a burst does not send a second one into the same window.
	Sent map[string][]time.Time
}

// Build returns a notifier per receiver, keyed by receiver name. It reports
// every bad receiver at once, each error naming the receiver and its place.
// Notifiers that can announce reports implement alert.ReportSender.
func Build(receivers []config.Receiver, o Options) (map[string]alert.Notifier, error) {
	out := make(map[string]alert.Notifier, len(receivers))
	limits := limiterSet{}
	var errs []error
	for _, r := range receivers {
		n, err := build(r, o, limits)
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

// constructor builds a receiver with the given limiter and tells its
// destination (the robot, URL or mail server it sends to).
type constructor func(l *alert.Limiter) (n alert.Notifier, destination string, err error)

func build(r config.Receiver, o Options, limits limiterSet) (alert.Notifier, error) {
	kinds := 0
	for _, set := range []bool{r.Webhook != nil, r.WeCom != nil, r.DingTalk != nil, r.Feishu != nil, r.Email != nil, r.NATS != nil, r.Log != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return nil, fmt.Errorf("want exactly one kind (webhook, wecom, dingtalk, feishu, email, nats or log), found %d", kinds)
	}
	switch r.Kind() {
	case config.KindLog:
		return logger.New(r.Name, o.Logger), nil
	case config.KindNATS:
		if r.RateLimit != nil {
			return nil, errors.New("rate_limit does not apply to a nats receiver")
		}
		return natspub.New(r.Name, o.Publisher, o.Now)
	}
	construct := constructorOf(r, o)
	windows, err := windowsOf(r)
	if err != nil {
		return nil, err
	}
	if len(windows) == 0 {
		n, _, err := construct(nil)
		return n, err
	}
	// Built once to learn the destination, then with its shared limiter.
	_, dest, err := construct(nil)
	if err != nil {
		return nil, err
	}
	l, err := limits.get(r.Kind()+" "+dest, windows)
	if err != nil {
		return nil, err
	}
	l.Seed(o.Sent[r.Name]...)
	n, _, err := construct(l)
	return n, err
}

func constructorOf(r config.Receiver, o Options) constructor {
	chat := func(l *alert.Limiter) robot.Options {
		return robot.Options{HTTPClient: o.HTTPClient, Now: o.Now, UserAgent: o.UserAgent,
			Limiter: l, Location: o.Location, ConsoleURL: o.ConsoleURL, Sleep: o.Sleep}
	}
	switch r.Kind() {
	case config.KindWeCom:
		return func(l *alert.Limiter) (alert.Notifier, string, error) {
			n, err := wecom.New(r.Name, *r.WeCom, chat(l))
			if err != nil {
				return nil, "", err
			}
			return n, n.Destination(), nil
		}
	case config.KindDingTalk:
		return func(l *alert.Limiter) (alert.Notifier, string, error) {
			n, err := dingtalk.New(r.Name, *r.DingTalk, chat(l))
			if err != nil {
				return nil, "", err
			}
			return n, n.Destination(), nil
		}
	case config.KindFeishu:
		return func(l *alert.Limiter) (alert.Notifier, string, error) {
			n, err := feishu.New(r.Name, *r.Feishu, chat(l))
			if err != nil {
				return nil, "", err
			}
			return n, n.Destination(), nil
		}
	case config.KindEmail:
		return func(l *alert.Limiter) (alert.Notifier, string, error) {
			n, err := email.New(r.Name, *r.Email, email.Options{Now: o.Now, Limiter: l, Location: o.Location, ConsoleURL: o.ConsoleURL})
			if err != nil {
				return nil, "", err
			}
			return n, fmt.Sprintf("%s:%d %s", r.Email.Host, r.Email.Port, r.Email.Username), nil
		}
	case config.KindWebhook:
		return func(l *alert.Limiter) (alert.Notifier, string, error) {
			n, err := webhook.New(r.Name, *r.Webhook, webhook.Options{HTTPClient: o.HTTPClient, Now: o.Now, UserAgent: o.UserAgent,
				Limiter: l, ExternalURL: o.ConsoleURL})
			if err != nil {
				return nil, "", err
			}
			return n, n.Destination(), nil
		}
	}
	return func(*alert.Limiter) (alert.Notifier, string, error) {
		return nil, "", fmt.Errorf("receiver kind %q is not supported", r.Kind())
	}
}

// defaultRateLimit is the limit of a kind that has one, used when a
// receiver sets no rate_limit.
func defaultRateLimit(kind string) []alert.Window {
	switch kind {
	case config.KindWeCom:
		return wecom.DefaultRateLimit()
	case config.KindDingTalk:
		return dingtalk.DefaultRateLimit()
	case config.KindFeishu:
		return feishu.DefaultRateLimit()
	}
	return nil
}

// windowsOf returns the receiver's limit: its rate_limit, else its kind's
// default (none for email and webhook).
func windowsOf(r config.Receiver) ([]alert.Window, error) {
	if r.RateLimit == nil {
		return defaultRateLimit(r.Kind()), nil
	}
	if r.RateLimit.PerMinute < 0 || r.RateLimit.PerSecond < 0 {
		return nil, errors.New("rate_limit values must not be negative")
	}
	var ws []alert.Window
	if r.RateLimit.PerMinute > 0 {
		ws = append(ws, alert.Window{Limit: r.RateLimit.PerMinute, Per: time.Minute})
	}
	if r.RateLimit.PerSecond > 0 {
		ws = append(ws, alert.Window{Limit: r.RateLimit.PerSecond, Per: time.Second})
	}
	if len(ws) == 0 && defaultRateLimit(r.Kind()) != nil {
		return nil, fmt.Errorf("rate_limit of a %s robot needs per_minute or per_second", r.Kind())
	}
	return ws, nil
}

// limiterSet hands out one limiter per destination.
type limiterSet map[string]*alert.Limiter

func (s limiterSet) get(dest string, windows []alert.Window) (*alert.Limiter, error) {
	if l, ok := s[dest]; ok {
		if !slices.Equal(l.Windows(), windows) {
			return nil, fmt.Errorf("another receiver sends to the same destination with rate limit %v, this one %v: set the same", l.Windows(), windows)
		}
		return l, nil
	}
	l, err := alert.NewLimiter(windows...)
	if err != nil {
		return nil, err
	}
	s[dest] = l
	return l, nil
}
