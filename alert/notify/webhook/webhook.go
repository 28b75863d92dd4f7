// Package webhook delivers alerts as signed JSON POST requests.
//
// The body is a Payload:
//
//	{"version":"1","kind":"yuqing.alert","alert":{…model.Alert…},"sent_at":"2026-…Z"}
//
// with the headers Content-Type: application/json, User-Agent: yuqing/…,
// X-Yuqing-Delivery (the outbox delivery id, the same on every retry: use it
// to drop repeats), X-Yuqing-Timestamp (Unix seconds) and, when the receiver
// has a secret, X-Yuqing-Signature: sha256=<hex HMAC-SHA256(secret,
// timestamp + "." + body)>. Receivers check the last two with Verify.
//
// Any 2xx answer is success. 408, 425, 429, 5xx, timeouts and network
// errors are retried (a Retry-After header is honoured); any other answer is
// a permanent refusal.
//
// When the receiver is over its rate limit (rate_limit; none by default),
// the alerts that were due go out in one {"kind":"yuqing.digest",
// "deliveries":[{"delivery_id":…,"alert":{…}},…]} request whose
// X-Yuqing-Delivery lists every delivery id, comma-separated. A finished
// report is announced as {"kind":"yuqing.report","report":{…}}.
//
// With format alertmanager the body is instead Alertmanager's webhook
// payload, version 4 (AlertmanagerPayload): each case is an alert named
// YuqingCase, labelled with its kind, case, department, topics, regions,
// source, story and severity; a digest is one payload with several alerts;
// a report is an alert named YuqingReport. The headers and the signature
// are the same.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// Payload is the JSON body of a webhook request.
type Payload struct {
	Version string      `json:"version"`
	Kind    string      `json:"kind"`
	Alert   model.Alert `json:"alert"`
	SentAt  time.Time   `json:"sent_at"`
}

// Payload constants.
const (
	PayloadVersion = "1"
	PayloadKind    = "yuqing.alert"
)

// DefaultTimeout bounds one request when the spec sets no timeout.
const DefaultTimeout = 10 * time.Second

// errorSnippetBytes is how much of a refusal's body goes into the error: it
// usually says why, and more would flood the outbox's last_error.
const errorSnippetBytes = 200

// Options are shared by all webhook receivers.
type Options struct {
	// HTTPClient sends the requests. Nil: a client that does not follow
	// redirects (a signed alert should not wander to another address).
	HTTPClient *http.Client
	Now        func() time.Time
	// UserAgent defaults to "yuqing/dev"; the application passes
	// "yuqing/<version>".
	UserAgent string
	// Limiter bounds requests to the URL (nil: none).
	Limiter *alert.Limiter
	// ExternalURL is the web console, sent as Alertmanager's externalURL.
	ExternalURL string
}

// Notifier posts alerts to one URL. It implements alert.Notifier,
// alert.RateLimited, alert.Digester and alert.ReportSender.
type Notifier struct {
	name        string
	url         string
	secret      []byte
	timeout     time.Duration
	headers     map[string]string
	client      *http.Client
	now         func() time.Time
	userAgent   string
	format      string
	limiter     *alert.Limiter
	externalURL string
}

// New builds the receiver called name from its spec. The secret comes from
// spec.Secret or is read now from spec.SecretFile; the URL must be an
// absolute http(s) URL. Errors never include the URL, which may carry a key.
func New(name string, spec config.WebhookSpec, o Options) (*Notifier, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("webhook: new receiver %s: %s", name, fmt.Sprintf(format, args...))
	}
	u, err := url.Parse(spec.URL.Reveal())
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fail("url must be an absolute http or https URL")
	}
	secret, err := readSecret(spec)
	if err != nil {
		return nil, fail("%v", err)
	}
	for k, v := range spec.Headers {
		if !httpguts.ValidHeaderFieldName(k) || !httpguts.ValidHeaderFieldValue(v) {
			return nil, fail("header %q has an invalid name or value", k)
		}
	}
	format := spec.Format
	switch format {
	case "":
		format = config.WebhookFormatYuqing
	case config.WebhookFormatYuqing, config.WebhookFormatAlertmanager:
	default:
		return nil, fail("format %q: want yuqing or alertmanager", spec.Format)
	}
	n := &Notifier{
		name:        name,
		url:         u.String(),
		secret:      secret,
		timeout:     spec.Timeout.D(),
		headers:     spec.Headers,
		client:      o.HTTPClient,
		now:         o.Now,
		userAgent:   o.UserAgent,
		format:      format,
		limiter:     o.Limiter,
		externalURL: o.ExternalURL,
	}
	if n.timeout <= 0 {
		n.timeout = DefaultTimeout
	}
	if n.client == nil {
		n.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	if n.now == nil {
		n.now = time.Now
	}
	if n.userAgent == "" {
		n.userAgent = "yuqing/dev"
	}
	return n, nil
}

func readSecret(spec config.WebhookSpec) ([]byte, error) {
	switch {
	case spec.Secret != "" && spec.SecretFile != "":
		return nil, errors.New("set secret or secret_file, not both")
	case spec.SecretFile != "":
		data, err := os.ReadFile(spec.SecretFile)
		if err != nil {
			return nil, fmt.Errorf("read secret_file: %w", err)
		}
		// Editors and `echo` leave a trailing newline that is not part of
		// the secret.
		secret := bytes.TrimSpace(data)
		if len(secret) == 0 {
			return nil, fmt.Errorf("secret_file %s is empty", spec.SecretFile)
		}
		return secret, nil
	}
	return []byte(spec.Secret.Reveal()), nil
}

// Destination identifies the URL for sharing a rate limiter.
func (n *Notifier) Destination() string { return n.url }

// Budget implements alert.RateLimited: unlimited without a limiter.
func (n *Notifier) Budget(now time.Time) (int, time.Time) {
	if n.limiter == nil {
		return 1 << 30, time.Time{}
	}
	return n.limiter.Budget(now)
}

// Notify posts a. It reports retry=true for failures that may pass (see the
// package documentation); when the receiver said when to come back, the
// error is an *alert.RetryAfterError.
func (n *Notifier) Notify(ctx context.Context, a model.Alert) (retry bool, err error) {
	now := n.now()
	id, hasID := alert.DeliveryID(ctx)
	var body any = Payload{Version: PayloadVersion, Kind: PayloadKind, Alert: a, SentAt: now.UTC()}
	if n.format == config.WebhookFormatAlertmanager {
		body = n.alertmanager([]alert.DigestEntry{{DeliveryID: id, Alert: a}}, groupOf(a))
	}
	ids := ""
	if hasID {
		ids = strconv.FormatInt(id, 10)
	}
	return n.post(ctx, now, body, ids)
}

// NotifyDigest posts the entries in one request: a yuqing.digest payload,
// or one Alertmanager notification with every alert. X-Yuqing-Delivery
// lists the delivery ids, comma-separated.
func (n *Notifier) NotifyDigest(ctx context.Context, entries []alert.DigestEntry) (bool, error) {
	now := n.now()
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = strconv.FormatInt(e.DeliveryID, 10)
	}
	var body any = DigestPayload{Version: PayloadVersion, Kind: DigestKind, Deliveries: entries, SentAt: now.UTC()}
	if n.format == config.WebhookFormatAlertmanager {
		body = n.alertmanager(entries, map[string]string{"receiver": n.name})
	}
	return n.post(ctx, now, body, strings.Join(ids, ","))
}

// SendReport posts a yuqing.report payload (for format alertmanager: an
// alert named YuqingReport).
func (n *Notifier) SendReport(ctx context.Context, r model.ReportNotice) error {
	now := n.now()
	var body any = ReportPayload{Version: PayloadVersion, Kind: ReportKind, Report: r, SentAt: now.UTC()}
	if n.format == config.WebhookFormatAlertmanager {
		body = n.reportAlert(r, now)
	}
	_, err := n.post(ctx, now, body, "")
	return err
}

// post sends one JSON body, within the rate limit.
func (n *Notifier) post(ctx context.Context, now time.Time, v any, deliveryIDs string) (bool, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return false, n.errorf("encode payload: %w", err)
	}
	if n.limiter != nil {
		res := n.limiter.Reserve(now, 1, n.timeout)
		if res.At[0].After(now) {
			res.Cancel(0)
			return true, &alert.DeferError{Until: res.At[0], Err: n.errorf("rate limit %v reached", n.limiter.Windows())}
		}
		defer func() { res.Sent(0, n.now()) }()
	}
	ctx, cancel := context.WithTimeout(ctx, n.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.url, bytes.NewReader(body))
	if err != nil {
		return false, n.errorf("build request: %w", redactURL(err))
	}
	n.setHeaders(req.Header, now, body, deliveryIDs)
	resp, err := n.client.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok && ue.Timeout() {
			return true, n.errorf("no answer within %s", n.timeout)
		}
		return true, n.errorf("%w", redactURL(err))
	}
	defer resp.Body.Close()
	return n.judge(resp, now)
}

func (n *Notifier) setHeaders(h http.Header, now time.Time, body []byte, deliveryIDs string) {
	// Extra headers first, so that they cannot replace the protocol's.
	for k, v := range n.headers {
		h.Set(k, v)
	}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", n.userAgent)
	if deliveryIDs != "" {
		h.Set(HeaderDelivery, deliveryIDs)
	}
	h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
	if len(n.secret) > 0 {
		h.Set(HeaderSignature, Sign(n.secret, now, body))
	}
}

// judge reads the answer: 2xx is success; statuses that say "not now" are
// retried; everything else is a refusal that retrying cannot change.
func (n *Notifier) judge(resp *http.Response, now time.Time) (bool, error) {
	snippet := readSnippet(resp.Body)
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return false, nil
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return false, n.errorf("receiver answered %s: redirects are not followed; configure the final URL", resp.Status)
	}
	err := n.errorf("receiver answered %s: %q", resp.Status, snippet)
	if !retryableStatus(resp.StatusCode) {
		return false, err
	}
	if after, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok {
		return true, &alert.RetryAfterError{After: after, Err: err}
	}
	return true, err
}

func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return code >= 500
}

// readSnippet returns the start of the body and drains a bounded rest of
// it so the connection can be reused.
func readSnippet(body io.Reader) string {
	buf := make([]byte, errorSnippetBytes)
	n, _ := io.ReadFull(body, buf)
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 64<<10))
	return strings.TrimSpace(strings.ToValidUTF8(string(buf[:n]), ""))
}

// maxRetryAfter bounds what a receiver can ask for; anything this long is
// past every sensible give-up time anyway.
const maxRetryAfter = 365 * 24 * time.Hour

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
// A missing, malformed or past value gives ok=false (no hint).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second, true
	}
	at, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	d := at.Sub(now)
	if d <= 0 {
		return 0, false
	}
	return min(d, maxRetryAfter), true
}

func (n *Notifier) errorf(format string, args ...any) error {
	return fmt.Errorf("webhook: post alert to %s: %w", n.name, fmt.Errorf(format, args...))
}

// redactURL drops the URL from a client error: it may carry a key.
func redactURL(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return fmt.Errorf("%s request: %w", ue.Op, ue.Err)
	}
	return err
}
