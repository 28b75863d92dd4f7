package ingest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

// memState is an in-memory StateStore. Published items become known at
// once, as they would once the store stage has saved them.
type memState struct {
	mu     sync.Mutex
	health map[string]model.SourceHealth
	known  map[string]bool
	saved  chan model.SourceHealth // every save, if not nil
}

func newMemState() *memState {
	return &memState{health: map[string]model.SourceHealth{}, known: map[string]bool{}}
}

func (m *memState) SourceHealth(_ context.Context, id string) (model.SourceHealth, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h, ok := m.health[id]
	if !ok {
		return model.SourceHealth{}, fmt.Errorf("health of %s: %w", id, model.ErrNotFound)
	}
	return h, nil
}

func (m *memState) SaveSourceHealth(_ context.Context, h model.SourceHealth) error {
	m.mu.Lock()
	m.health[h.SourceID] = h
	m.mu.Unlock()
	if m.saved != nil {
		m.saved <- h
	}
	return nil
}

func (m *memState) KnownItems(_ context.Context, ids []string) (map[string]bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]bool{}
	for _, id := range ids {
		if m.known[id] {
			out[id] = true
		}
	}
	return out, nil
}

func (m *memState) get(id string) (model.SourceHealth, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	h, ok := m.health[id]
	return h, ok
}

// memPublisher records published items; failAt makes the n-th publish
// (1-based, counted over the publisher's life) fail.
type memPublisher struct {
	mu        sync.Mutex
	state     *memState
	published []model.Item
	calls     int
	failAt    int
}

var errBusDown = errors.New("bus unavailable")

func (p *memPublisher) PublishItem(_ context.Context, it model.Item) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.calls == p.failAt {
		return errBusDown
	}
	p.published = append(p.published, it)
	p.state.mu.Lock()
	p.state.known[it.ID] = true
	p.state.mu.Unlock()
	return nil
}

func (p *memPublisher) titles() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, it := range p.published {
		out = append(out, it.Title)
	}
	return out
}

func (p *memPublisher) fromSource(id string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, it := range p.published {
		if it.SourceID == id {
			n++
		}
	}
	return n
}

// feedServer serves an RSS feed whose items the test changes, with an ETag
// that follows the content, or a fixed error status.
type feedServer struct {
	*httptest.Server
	mu         sync.Mutex
	items      []string // titles, newest first
	status     int      // non-zero: answer with this status
	retryAfter string
	requests   []http.Header
}

func newFeedServer(t *testing.T, titles ...string) *feedServer {
	fs := &feedServer{items: titles}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.serve))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.requests = append(fs.requests, r.Header.Clone())
	if fs.status != 0 {
		if fs.retryAfter != "" {
			w.Header().Set("Retry-After", fs.retryAfter)
		}
		http.Error(w, "服务暂不可用", fs.status)
		return
	}
	body := fs.render()
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(body)))
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	_, _ = w.Write([]byte(body))
}

// render dates item i i hours before a fixed time, so the newest is first.
func (fs *feedServer) render() string {
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>咸宁市人民政府</title>`)
	base := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	for i, title := range fs.items {
		fmt.Fprintf(&sb, `<item><title>%s</title><guid>%s</guid><pubDate>%s</pubDate></item>`,
			title, title, base.Add(-time.Duration(i)*time.Hour).Format(time.RFC1123Z))
	}
	sb.WriteString(`</channel></rss>`)
	return sb.String()
}

func (fs *feedServer) set(status int, retryAfter string, titles ...string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.status, fs.retryAfter = status, retryAfter
	if titles != nil {
		fs.items = titles
	}
}

func (fs *feedServer) requestCount() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return len(fs.requests)
}

func (fs *feedServer) lastRequest() http.Header {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.requests[len(fs.requests)-1]
}
