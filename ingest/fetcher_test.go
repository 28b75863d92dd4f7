package ingest

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/config"
)

// fixedClock is a test clock that moves only when told to.
type fixedClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *fixedClock { return &fixedClock{t: t} }

func (c *fixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fixedClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *fixedClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestFetchConditionalGET(t *testing.T) {
	body := readFixture(t, "rss-utf8.xml")
	const etag = `"xn-v1"`
	const lastModified = "Thu, 26 Nov 2026 01:00:00 GMT"
	var mu sync.Mutex
	var seen []http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastModified)
		w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	f := NewFetcher(config.Ingest{}, nil)

	first, err := f.Fetch(t.Context(), srv.URL, Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if first.NotModified || string(first.Body) != string(body) || first.ETag != etag ||
		first.LastModified != lastModified || first.Charset != "UTF-8" || first.StatusCode != 200 {
		t.Fatalf("first fetch: %+v", first)
	}
	second, err := f.Fetch(t.Context(), srv.URL, Validators{ETag: first.ETag, LastModified: first.LastModified})
	if err != nil {
		t.Fatal(err)
	}
	if !second.NotModified || len(second.Body) != 0 {
		t.Fatalf("second fetch not 304: %+v", second)
	}
	// The 304 did not repeat the validators; the stored ones carry over.
	if second.ETag != etag || second.LastModified != lastModified {
		t.Errorf("validators lost on 304: %+v", second)
	}
	if seen[0].Get("If-None-Match") != "" || seen[0].Get("If-Modified-Since") != "" {
		t.Errorf("first request was conditional: %v", seen[0])
	}
	if seen[1].Get("If-None-Match") != etag || seen[1].Get("If-Modified-Since") != lastModified {
		t.Errorf("second request lacked validators: %v", seen[1])
	}
}

func TestFetchHeaders(t *testing.T) {
	tests := []struct {
		name, configured, wantUA string
	}{
		{"default", "", DefaultUserAgent()},
		{"configured", "XianningMonitor/2.0", "XianningMonitor/2.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got http.Header
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.Header.Clone()
			}))
			defer srv.Close()
			if _, err := NewFetcher(config.Ingest{UserAgent: tt.configured}, nil).Fetch(t.Context(), srv.URL, Validators{}); err != nil {
				t.Fatal(err)
			}
			if got.Get("User-Agent") != tt.wantUA {
				t.Errorf("User-Agent %q, want %q", got.Get("User-Agent"), tt.wantUA)
			}
			if !strings.Contains(got.Get("Accept"), "application/rss+xml") {
				t.Errorf("Accept %q does not ask for feeds", got.Get("Accept"))
			}
		})
	}
	if ua := DefaultUserAgent(); !strings.HasPrefix(ua, "yuqing/") || !strings.HasSuffix(ua, " (+public-opinion monitor)") {
		t.Errorf("DefaultUserAgent() = %q", ua)
	}
}

func TestFetchStatusErrors(t *testing.T) {
	now := time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC)
	tests := []struct {
		name           string
		status         int
		retryAfter     string
		wantRetryAfter time.Duration
		wantMsg        string
	}{
		{"429 seconds", 429, "120", 2 * time.Minute, "HTTP 429 Too Many Requests (retry after 2m0s)"},
		{"503 date", 503, now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, "HTTP 503 Service Unavailable (retry after 1m30s)"},
		{"503 date in the past", 503, now.Add(-time.Hour).Format(http.TimeFormat), 0, "HTTP 503 Service Unavailable"},
		{"503 garbage", 503, "soon", 0, "HTTP 503 Service Unavailable"},
		{"503 without header", 503, "", 0, "HTTP 503 Service Unavailable"},
		{"404 ignores Retry-After", 404, "60", 0, "HTTP 404 Not Found"},
		{"500", 500, "", 0, "HTTP 500 Internal Server Error"},
		{"unknown status", 599, "", 0, "HTTP 599"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte("<html>服务器繁忙</html>"))
			}))
			defer srv.Close()
			f := NewFetcher(config.Ingest{}, func() time.Time { return now })
			_, err := f.Fetch(t.Context(), srv.URL+"/feed", Validators{})
			se, ok := errors.AsType[*StatusError](err)
			if !ok {
				t.Fatalf("error %v is not a *StatusError", err)
			}
			if se.StatusCode != tt.status || se.RetryAfter != tt.wantRetryAfter {
				t.Errorf("got status %d retry after %s, want %d and %s", se.StatusCode, se.RetryAfter, tt.status, tt.wantRetryAfter)
			}
			if want := "ingest: fetch " + srv.URL + "/feed: " + tt.wantMsg; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q, want %q", err, want)
			}
		})
	}
}

func TestFetchSizeCap(t *testing.T) {
	const limit = 1024
	tests := []struct {
		name          string
		size          int
		contentLength bool
		wantErr       bool
	}{
		{"at the limit", limit, true, false},
		{"over, declared", limit + 1, true, true},
		{"over, chunked", 4 * limit, false, true},
		{"under, chunked", limit - 1, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tt.contentLength {
					w.Header().Set("Content-Length", strconv.Itoa(tt.size))
				}
				for range tt.size {
					_, _ = w.Write([]byte("x"))
					if !tt.contentLength {
						w.(http.Flusher).Flush()
					}
				}
			}))
			defer srv.Close()
			f := NewFetcher(config.Ingest{MaxBodySize: limit}, nil)
			resp, err := f.Fetch(t.Context(), srv.URL, Validators{})
			if tt.wantErr {
				if !errors.Is(err, ErrBodyTooLarge) || !strings.Contains(err.Error(), "response body too large (limit 1KiB)") {
					t.Fatalf("error %v, want ErrBodyTooLarge", err)
				}
				return
			}
			if err != nil || len(resp.Body) != tt.size {
				t.Fatalf("got %d bytes, %v", len(resp.Body), err)
			}
		})
	}
}

func TestFetchRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/hop/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n == 0 {
			_, _ = w.Write([]byte("<rss/>"))
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	f := NewFetcher(config.Ingest{MaxRedirects: 2}, nil)

	resp, err := f.Fetch(t.Context(), srv.URL+"/hop/2", Validators{})
	if err != nil {
		t.Fatalf("two redirects refused: %v", err)
	}
	if resp.FinalURL != srv.URL+"/hop/0" {
		t.Errorf("FinalURL %q", resp.FinalURL)
	}
	_, err = f.Fetch(t.Context(), srv.URL+"/hop/3", Validators{})
	if !errors.Is(err, ErrTooManyRedirects) {
		t.Fatalf("error %v, want ErrTooManyRedirects", err)
	}
	if want := "ingest: fetch " + srv.URL + "/hop/3: too many redirects (more than 2)"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestFetchTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	f := NewFetcher(config.Ingest{Timeout: config.Duration(50 * time.Millisecond)}, nil)
	_, err := f.Fetch(t.Context(), srv.URL, Validators{})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("error %v, want ErrTimeout", err)
	}
	if want := "ingest: fetch " + srv.URL + ": timed out after 50ms"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestFetchCancelled(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := NewFetcher(config.Ingest{}, nil).Fetch(ctx, srv.URL, Validators{})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
}

func TestFetchGzip(t *testing.T) {
	body := readFixture(t, "atom.xml")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			_, _ = w.Write(body)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = zw.Write(body)
		_ = zw.Close()
	}))
	defer srv.Close()
	resp, err := NewFetcher(config.Ingest{}, nil).Fetch(t.Context(), srv.URL, Validators{})
	if err != nil || string(resp.Body) != string(body) {
		t.Fatalf("gzip body not decoded: %v", err)
	}
}

func TestFetchFile(t *testing.T) {
	path, err := filepath.Abs(filepath.Join("testdata", "rss-gb2312-prolog.xml"))
	if err != nil {
		t.Fatal(err)
	}
	fileURL := (&url.URL{Scheme: "file", Path: path}).String()
	f := NewFetcher(config.Ingest{}, nil)

	resp, err := f.Fetch(t.Context(), fileURL, Validators{})
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != string(readFixture(t, "rss-gb2312-prolog.xml")) || resp.LastModified == "" {
		t.Fatalf("file fetch: %+v", resp)
	}
	again, err := f.Fetch(t.Context(), fileURL, Validators{LastModified: resp.LastModified})
	if err != nil || !again.NotModified {
		t.Fatalf("unchanged file not reported as not modified: %+v, %v", again, err)
	}

	errorCases := []struct{ name, url, want string }{
		{"missing", "file:///nonexistent/feed.xml", "no such file"},
		{"remote host", "file://server/feed.xml", `names host "server"`},
		{"directory", (&url.URL{Scheme: "file", Path: filepath.Dir(path)}).String(), "is a directory"},
		{"scheme", "ftp://www.xianning.gov.cn/feed.xml", `unsupported URL scheme "ftp"`},
	}
	for _, tt := range errorCases {
		if _, err := f.Fetch(t.Context(), tt.url, Validators{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
	small := NewFetcher(config.Ingest{MaxBodySize: 100}, nil)
	if _, err := small.Fetch(t.Context(), fileURL, Validators{}); !errors.Is(err, ErrBodyTooLarge) {
		t.Errorf("file over the size cap: %v", err)
	}
}
