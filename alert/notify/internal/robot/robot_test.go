package robot_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/internal/robot"
)

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.t = c.t.Add(d)
	}
	return nil
}

func ok(int, []byte) robot.Verdict { return robot.Verdict{} }

func request(url string) robot.Request {
	return func(time.Time) (string, []byte, error) { return url, []byte(`{}`), nil }
}

func TestStatusVerdict(t *testing.T) {
	tests := []struct {
		status   int
		retry    bool
		throttle time.Duration
	}{
		{400, false, 0}, {403, false, 0}, {404, false, 0},
		{408, true, 0}, {425, true, 0}, {429, true, time.Minute},
		{500, true, 0}, {502, true, 0}, {503, true, 0},
	}
	for _, tt := range tests {
		v := robot.StatusVerdict(tt.status, []byte("<html>gateway</html>"))
		if v.Err == nil || v.Retry != tt.retry || v.Throttle != tt.throttle {
			t.Errorf("StatusVerdict(%d) = %+v", tt.status, v)
		}
	}
}

// TestSendDefersAWholeMessageThatCannotGoSoon: parts are booked together;
// when the last would wait past MaxWait, nothing is sent and the message
// waits as one.
func TestSendDefersAWholeMessageThatCannotGoSoon(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		_, _ = io.WriteString(w, "{}")
	}))
	defer srv.Close()
	c := &clock{t: t0}
	l, err := alert.NewLimiter(alert.Window{Limit: 5, Per: time.Second}, alert.Window{Limit: 6, Per: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	p := robot.Poster{Kind: "test", Name: "r", Now: c.Now, Sleep: c.Sleep, Limiter: l}
	p.Defaults()
	parts := []robot.Request{request(srv.URL), request(srv.URL), request(srv.URL)}
	if _, err := p.Send(context.Background(), parts, ok); err != nil {
		t.Fatal(err)
	}
	// Three more: the per-second window paces them, the minute allows six.
	if _, err := p.Send(context.Background(), parts, ok); err != nil || !c.Now().Equal(t0.Add(time.Second)) {
		t.Fatalf("second message: %v at +%v; want sent, paced to +1s", err, c.Now().Sub(t0))
	}
	_, err = p.Send(context.Background(), parts, ok)
	de, deferred := errors.AsType[*alert.DeferError](err)
	if !deferred || hits != 6 {
		t.Fatalf("third message: %v after %d requests; want deferred whole", err, hits)
	}
	if !de.Until.After(c.Now()) {
		t.Errorf("deferred until %v, not after now %v", de.Until, c.Now())
	}
	if b, _ := p.Budget(c.Now()); b != 0 {
		t.Errorf("budget %d after a cancelled booking; want the minute still full", b)
	}
}

func TestSendStopsAtTheFirstFailingPart(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		if hits == 2 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "{}")
	}))
	defer srv.Close()
	p := robot.Poster{Kind: "test", Name: "r"}
	p.Defaults()
	judge := func(status int, body []byte) robot.Verdict {
		if status != 200 {
			return robot.StatusVerdict(status, body)
		}
		return robot.Verdict{}
	}
	retry, err := p.Send(context.Background(), []robot.Request{request(srv.URL), request(srv.URL), request(srv.URL)}, judge)
	if !retry || err == nil || !strings.Contains(err.Error(), "part 2 of 3") || hits != 2 {
		t.Fatalf("Send = %v, %v after %d requests", retry, err, hits)
	}
}

func TestWaitDeferred(t *testing.T) {
	c := &clock{t: t0}
	p := robot.Poster{Kind: "test", Name: "r", Now: c.Now, Sleep: c.Sleep}
	p.Defaults()
	calls := 0
	err := p.WaitDeferred(context.Background(), time.Minute, func() error {
		calls++
		if calls < 3 {
			return &alert.DeferError{Until: c.Now().Add(20 * time.Second), Err: errors.New("busy")}
		}
		return nil
	})
	if err != nil || calls != 3 || !c.Now().Equal(t0.Add(40*time.Second)) {
		t.Fatalf("WaitDeferred = %v after %d calls at +%v", err, calls, c.Now().Sub(t0))
	}
	err = p.WaitDeferred(context.Background(), time.Minute, func() error {
		return &alert.DeferError{Until: c.Now().Add(10 * time.Minute), Err: errors.New("blocked")}
	})
	if _, ok := errors.AsType[*alert.DeferError](err); !ok {
		t.Fatalf("a wait past maxWait: %v, want the DeferError back", err)
	}
}

func TestBaseURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", "https://default.example"},
		{"https://wx.xianning.gov.cn/", "https://wx.xianning.gov.cn"},
		{"http://127.0.0.1:8080/proxy", "http://127.0.0.1:8080/proxy"},
	} {
		if got, err := robot.BaseURL(tt.in, "https://default.example"); err != nil || got != tt.want {
			t.Errorf("BaseURL(%q) = %q, %v", tt.in, got, err)
		}
	}
	for _, bad := range []string{"wx.xianning.gov.cn", "ftp://x", "https://"} {
		if _, err := robot.BaseURL(bad, "https://d"); err == nil {
			t.Errorf("BaseURL(%q) accepted", bad)
		}
	}
}
