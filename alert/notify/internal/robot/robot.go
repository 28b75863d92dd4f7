// Package robot is what the chat receivers (WeCom, DingTalk, Feishu) share:
// posting the parts of one message as JSON through the destination's rate
// limiter, pacing them when a short window requires it, and turning
// answers into the dispatcher's retry / give-up / wait decisions.
package robot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/config"
)

// Options are the shared dependencies of the chat receivers.
type Options struct {
	HTTPClient *http.Client
	Now        func() time.Time
	UserAgent  string
	// Limiter is the robot's rate limit, shared by every receiver that
	// posts to it (nil: none).
	Limiter *alert.Limiter
	// Location shows times (nil: Asia/Shanghai).
	Location *time.Location
	// ConsoleURL is linked from digests that cannot list everything.
	ConsoleURL string
	Sleep      func(context.Context, time.Duration) error
}

// Defaults of a Poster.
const (
	DefaultTimeout = 10 * time.Second
	// DefaultMaxWait is how long one send may wait for its turn inside a
	// window (Feishu's 5 a second); a longer wait defers the message.
	DefaultMaxWait = 3 * time.Second
	// maxAnswer bounds how much of an answer is read: the robots answer
	// with a few dozen bytes.
	maxAnswer = 64 << 10
)

// Poster posts the JSON requests of one destination.
type Poster struct {
	// Kind ("wecom") and Name (the receiver) prefix every error.
	Kind, Name string
	Client     *http.Client
	Timeout    time.Duration
	UserAgent  string
	Now        func() time.Time
	// Sleep waits for d or until ctx ends (nil: a timer).
	Sleep func(ctx context.Context, d time.Duration) error
	// Limiter is the destination's rate limit (nil: none).
	Limiter *alert.Limiter
	MaxWait time.Duration
}

// Request builds one request at the time it is sent: signatures depend on
// the time.
type Request func(now time.Time) (target string, body []byte, err error)

// Verdict is what an answer means.
type Verdict struct {
	// Err is nil for success.
	Err error
	// Retry says a later attempt may succeed.
	Retry bool
	// Throttle, when positive, says the destination is throttling us:
	// nothing more is sent to it for that long.
	Throttle time.Duration
}

// Judge reads an answer: the HTTP status and up to 64 KiB of body.
type Judge func(status int, body []byte) Verdict

// Defaults fills the zero fields.
func (p *Poster) Defaults() {
	if p.Client == nil {
		p.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if p.Timeout <= 0 {
		p.Timeout = DefaultTimeout
	}
	if p.UserAgent == "" {
		p.UserAgent = "yuqing/dev"
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	if p.Sleep == nil {
		p.Sleep = sleep
	}
	if p.MaxWait <= 0 {
		p.MaxWait = DefaultMaxWait
	}
}

// Budget implements alert.RateLimited: unlimited without a limiter.
func (p *Poster) Budget(now time.Time) (int, time.Time) {
	if p.Limiter == nil {
		return math.MaxInt32, time.Time{}
	}
	return p.Limiter.Budget(now)
}

// Send posts the parts of one message in order. All parts are booked with
// the limiter first; when the last could not go out within MaxWait the
// message is deferred whole (*alert.DeferError) and nothing is sent.
func (p *Poster) Send(ctx context.Context, parts []Request, judge Judge) (retry bool, err error) {
	now := p.Now()
	var res *alert.Reservation
	if p.Limiter != nil {
		res = p.Limiter.Reserve(now, len(parts), p.Timeout)
		if last := res.At[len(parts)-1]; last.Sub(now) > p.MaxWait {
			res.Cancel(0)
			until := last.Add(-p.MaxWait)
			if until.Before(res.At[0]) {
				until = res.At[0]
			}
			return true, &alert.DeferError{Until: until, Err: p.Errorf("rate limit %v reached", p.Limiter.Windows())}
		}
	}
	for i, part := range parts {
		if res != nil {
			if err := p.Sleep(ctx, res.At[i].Sub(p.Now())); err != nil {
				res.Cancel(i)
				return true, p.Errorf("wait for rate limit: %w", err)
			}
		}
		v := p.post(ctx, part, judge)
		if res != nil {
			// Counted even when it failed: it may have reached them.
			res.Sent(i, p.Now())
		}
		if v.Err != nil {
			if res != nil {
				res.Cancel(i + 1)
			}
			return p.failure(v, i, len(parts))
		}
	}
	return false, nil
}

func (p *Poster) failure(v Verdict, i, n int) (bool, error) {
	err := v.Err
	if n > 1 {
		err = fmt.Errorf("part %d of %d: %w", i+1, n, err)
	}
	if v.Throttle > 0 {
		until := p.Now().Add(v.Throttle)
		if p.Limiter != nil {
			p.Limiter.Pause(until)
		}
		return true, &alert.DeferError{Until: until, Err: err}
	}
	return v.Retry, err
}

func (p *Poster) post(ctx context.Context, build Request, judge Judge) Verdict {
	target, body, err := build(p.Now())
	if err != nil {
		return Verdict{Err: p.Errorf("build request: %w", err)}
	}
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return Verdict{Err: p.Errorf("build request: %w", redactURL(err))}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", p.UserAgent)
	resp, err := p.Client.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok && ue.Timeout() {
			return Verdict{Err: p.Errorf("no answer within %s", p.Timeout), Retry: true}
		}
		return Verdict{Err: p.Errorf("%w", redactURL(err)), Retry: true}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return Verdict{Err: p.Errorf("read answer: %w", err), Retry: true}
	}
	v := judge(resp.StatusCode, answer)
	if v.Err != nil {
		v.Err = p.Errorf("%w", v.Err)
	}
	return v
}

// Errorf prefixes an error with the kind and the receiver.
func (p *Poster) Errorf(format string, args ...any) error {
	return fmt.Errorf("%s: send to %s: %w", p.Kind, p.Name, fmt.Errorf(format, args...))
}

// WaitDeferred runs send until it is neither deferred nor failed with a
// wait of at most maxWait, sleeping through the waits: for reports, which
// are sent directly rather than through the outbox.
func (p *Poster) WaitDeferred(ctx context.Context, maxWait time.Duration, send func() error) error {
	for {
		err := send()
		de, ok := errors.AsType[*alert.DeferError](err)
		if !ok {
			return err
		}
		wait := de.Until.Sub(p.Now())
		if wait > maxWait {
			return err
		}
		if err := p.Sleep(ctx, wait); err != nil {
			return p.Errorf("wait for rate limit: %w", err)
		}
	}
}

// StatusVerdict judges an HTTP status that is not a success and carries no
// answer the robot's own codes explain: 408, 425, 429 and 5xx are retried,
// every other status is final.
func StatusVerdict(status int, body []byte) Verdict {
	err := fmt.Errorf("HTTP %d %s: %q", status, http.StatusText(status), Snippet(body))
	switch {
	case status == http.StatusTooManyRequests:
		return Verdict{Err: err, Retry: true, Throttle: time.Minute}
	case status == http.StatusRequestTimeout, status == http.StatusTooEarly, status >= 500:
		return Verdict{Err: err, Retry: true}
	}
	return Verdict{Err: err}
}

// Snippet is the start of an answer, for error texts.
func Snippet(body []byte) string {
	const n = 200
	s := strings.ToValidUTF8(string(body[:min(len(body), n)]), "")
	return strings.TrimSpace(s)
}

// JSON encodes v without escaping <, > and & (the robots render them; the
// escaped form is longer and counts against their byte limits).
func JSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// BaseURL checks a configured base URL (default when empty) and returns it
// without a trailing slash.
func BaseURL(configured, def string) (string, error) {
	if configured == "" {
		configured = def
	}
	u, err := url.Parse(configured)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("base_url must be an absolute http or https URL")
	}
	return strings.TrimRight(configured, "/"), nil
}

func redactURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Credential reads a robot's key or token from the spec or its file; key
// names it in the error. Unlike a signing secret it may not be empty.
func Credential(inline config.Secret, file, key string) (string, error) {
	v, err := config.ReadSecret(inline, file)
	if err == nil && v == "" {
		err = errors.New("missing")
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", key, err)
	}
	return v, nil
}
