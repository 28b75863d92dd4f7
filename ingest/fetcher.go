package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/yuqing/yuqing/config"
)

// Fetch defaults, used where config.Ingest leaves a field zero.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultMaxBodySize  = 10 << 20
	DefaultMaxRedirects = 5
)

// acceptFeeds asks for feeds first but takes anything: many government
// sites serve RSS as text/html or application/octet-stream.
const acceptFeeds = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"

// drainLimit is how much of an error response body is read so the
// connection can be reused; beyond it the connection is simply closed.
const drainLimit = 64 << 10

var (
	// ErrBodyTooLarge means the body exceeded the size cap; the feed is not
	// parsed from a truncated body.
	ErrBodyTooLarge = errors.New("response body too large")
	// ErrTooManyRedirects means the redirect limit was reached.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrTimeout means the server did not answer within the timeout.
	ErrTimeout = errors.New("timed out")
)

// Validators are the conditional-GET values stored from the last fetch.
type Validators struct {
	ETag         string
	LastModified string
}

// Response is a fetched body with what the server said about it.
type Response struct {
	StatusCode int
	// NotModified is true when the server answered 304: Body is empty and
	// the stored items are current.
	NotModified bool
	Body        []byte
	// ContentType is the whole Content-Type header; Charset its charset
	// parameter, if any.
	ContentType  string
	Charset      string
	ETag         string
	LastModified string
	// FinalURL is the URL after redirects.
	FinalURL string
}

// StatusError is a non-2xx, non-304 answer. RetryAfter is set for 429 and
// 503 when the server said how long to wait.
type StatusError struct {
	StatusCode int
	Status     string
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	msg := "HTTP " + e.Status
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

// Fetcher gets feed bodies over HTTP(S), or from file:// URLs, with
// conditional GET, a body size cap, a timeout and a redirect limit.
type Fetcher struct {
	client      *http.Client
	userAgent   string
	maxBodySize int64
	timeout     time.Duration
	now         func() time.Time
}

// NewFetcher builds a fetcher from the ingest configuration; zero fields
// take the defaults above. now (nil: time.Now) dates Retry-After answers.
func NewFetcher(cfg config.Ingest, now func() time.Time) *Fetcher {
	if now == nil {
		now = time.Now
	}
	f := &Fetcher{
		userAgent:   cfg.UserAgent,
		maxBodySize: int64(cfg.MaxBodySize),
		timeout:     cfg.Timeout.D(),
		now:         now,
	}
	if f.userAgent == "" {
		f.userAgent = DefaultUserAgent()
	}
	if f.maxBodySize <= 0 {
		f.maxBodySize = DefaultMaxBodySize
	}
	if f.timeout <= 0 {
		f.timeout = DefaultTimeout
	}
	maxRedirects := cfg.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = DefaultMaxRedirects
	}
	f.client = &http.Client{
		Transport: http.DefaultTransport.(*http.Transport).Clone(),
		Timeout:   f.timeout,
		CheckRedirect: func(_ *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("%w (more than %d)", ErrTooManyRedirects, max(maxRedirects, 0))
			}
			return nil
		},
	}
	return f
}

// DefaultUserAgent names yuqing and its version, so site operators can see
// who polls them.
func DefaultUserAgent() string {
	version := "dev"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = info.Main.Version
	}
	return "yuqing/" + version + " (+public-opinion monitor)"
}

// Fetch gets rawURL, sending v as If-None-Match / If-Modified-Since. Errors
// read as one line: "ingest: fetch URL: HTTP 503 Service Unavailable
// (retry after 2m0s)"; errors.As finds a *StatusError, errors.Is the
// sentinel errors above and context errors.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("ingest: fetch %s: %w", rawURL, err)
	}
	switch u.Scheme {
	case "http", "https":
		return f.fetchHTTP(ctx, rawURL, v)
	case "file":
		return f.fetchFile(ctx, u, v)
	}
	return nil, fmt.Errorf("ingest: fetch %s: unsupported URL scheme %q (want http, https or file)", rawURL, u.Scheme)
}

func (f *Fetcher) fetchHTTP(ctx context.Context, rawURL string, v Validators) (*Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("ingest: fetch %s: %w", rawURL, err)
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", acceptFeeds)
	if v.ETag != "" {
		req.Header.Set("If-None-Match", v.ETag)
	}
	if v.LastModified != "" {
		req.Header.Set("If-Modified-Since", v.LastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("ingest: fetch %s: %w", rawURL, f.transportError(ctx, err))
	}
	defer resp.Body.Close()

	r := &Response{
		StatusCode:   resp.StatusCode,
		ContentType:  resp.Header.Get("Content-Type"),
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		FinalURL:     resp.Request.URL.String(),
	}
	r.Charset = httpCharset(r.ContentType)
	switch {
	case resp.StatusCode == http.StatusNotModified:
		r.NotModified = true
		keepValidators(r, v)
		return r, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		_, _ = io.CopyN(io.Discard, resp.Body, drainLimit)
		return nil, fmt.Errorf("ingest: fetch %s: %w", rawURL, f.statusError(resp))
	}
	if resp.ContentLength > f.maxBodySize {
		return nil, fmt.Errorf("ingest: fetch %s: %w", rawURL, f.tooLarge())
	}
	r.Body, err = f.readCapped(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("ingest: fetch %s: %w", rawURL, f.transportError(ctx, err))
	}
	return r, nil
}

// keepValidators carries the stored validators over a 304 that does not
// repeat them, so the next poll is conditional too.
func keepValidators(r *Response, v Validators) {
	if r.ETag == "" {
		r.ETag = v.ETag
	}
	if r.LastModified == "" {
		r.LastModified = v.LastModified
	}
}

func (f *Fetcher) readCapped(body io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(body, f.maxBodySize+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > f.maxBodySize {
		return nil, f.tooLarge()
	}
	return b, nil
}

func (f *Fetcher) tooLarge() error {
	return fmt.Errorf("%w (limit %s)", ErrBodyTooLarge, config.ByteSize(f.maxBodySize))
}

// transportError makes the client's error readable: the *url.Error
// wrapper repeats method and URL, and a client timeout says only
// "context deadline exceeded (Client.Timeout exceeded ...)".
func (f *Fetcher) transportError(ctx context.Context, err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		err = ue.Err
	}
	var timeout interface{ Timeout() bool }
	if ctx.Err() == nil && errors.As(err, &timeout) && timeout.Timeout() {
		return fmt.Errorf("%w after %s", ErrTimeout, f.timeout)
	}
	return err
}

func (f *Fetcher) statusError(resp *http.Response) *StatusError {
	e := &StatusError{StatusCode: resp.StatusCode, Status: resp.Status}
	if text := http.StatusText(resp.StatusCode); text != "" {
		e.Status = strconv.Itoa(resp.StatusCode) + " " + text
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), f.now())
	}
	return e
}

// parseRetryAfter reads delay-seconds or an HTTP date; anything else, or a
// date in the past, means no advice (0).
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(365*24*time.Hour/time.Second))) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil && at.After(now) {
		return at.Sub(now).Truncate(time.Second)
	}
	return 0
}

// fetchFile reads a local feed, for "feeds test FILE" and tests. The file's
// modification time serves as Last-Modified.
func (f *Fetcher) fetchFile(ctx context.Context, u *url.URL, v Validators) (*Response, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("ingest: fetch %s: %w", u, err)
	}
	if u.Host != "" && u.Host != "localhost" {
		return nil, fmt.Errorf("ingest: fetch %s: file URL names host %q (want file:///path)", u, u.Host)
	}
	file, err := os.Open(u.Path)
	if err != nil {
		return nil, fmt.Errorf("ingest: fetch %s: %w", u, err)
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return nil, fmt.Errorf("ingest: fetch %s: %w", u, err)
	}
	if info.IsDir() {
		return nil, fmt.Errorf("ingest: fetch %s: is a directory", u)
	}
	r := &Response{StatusCode: http.StatusOK, FinalURL: u.String(),
		LastModified: info.ModTime().UTC().Format(http.TimeFormat)}
	if v.LastModified != "" && v.LastModified == r.LastModified {
		r.StatusCode, r.NotModified = http.StatusNotModified, true
		return r, nil
	}
	if info.Size() > f.maxBodySize {
		return nil, fmt.Errorf("ingest: fetch %s: %w", u, f.tooLarge())
	}
	if r.Body, err = f.readCapped(file); err != nil {
		return nil, fmt.Errorf("ingest: fetch %s: %w", u, err)
	}
	return r, nil
}
