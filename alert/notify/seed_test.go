package notify_test

import (
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify"
	"github.com/yuqing/yuqing/config"
)

// TestBuildSeedsLimitsWithRecentSends: after a restart each destination's
// limiter counts what its receivers sent before it, together when they
// share a robot.
func TestBuildSeedsLimitsWithRecentSends(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	sends := func(n int, ago time.Duration) []time.Time {
		out := make([]time.Time, n)
		for i := range out {
			out[i] = now.Add(-ago)
		}
		return out
	}
	rs := []config.Receiver{
		{Name: "a", WeCom: &config.WeComSpec{Key: "same"}},
		{Name: "b", WeCom: &config.WeComSpec{Key: "same"}},
		{Name: "c", WeCom: &config.WeComSpec{Key: "other"}},
		{Name: "d", DingTalk: &config.DingTalkSpec{AccessToken: "t"}},
		{Name: "hook", Webhook: &config.WebhookSpec{URL: "https://bridge.example.gov.cn/yuqing"}},
	}
	sent := map[string][]time.Time{
		"a": sends(12, 10*time.Second), "b": sends(8, 20*time.Second), // the shared robot is full
		"c":    sends(5, 30*time.Second),
		"d":    sends(20, 2*time.Minute), // outside its window
		"hook": sends(100, time.Second),  // no limit to seed
	}
	got, err := notify.Build(rs, notify.Options{Now: func() time.Time { return now }, Sent: sent})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		receiver string
		wantN    int
		wantNext time.Time
	}{
		{"a", 0, now.Add(40 * time.Second)}, // b's eight free first
		{"b", 0, now.Add(40 * time.Second)},
		{"c", 15, time.Time{}},
		{"d", 20, time.Time{}},
	}
	for _, tt := range tests {
		n, next := got[tt.receiver].(alert.RateLimited).Budget(now)
		if n != tt.wantN || !next.Equal(tt.wantNext) {
			t.Errorf("%s: Budget = %d, next %v; want %d, next %v", tt.receiver, n, next, tt.wantN, tt.wantNext)
		}
	}
	if n, _ := got["hook"].(alert.RateLimited).Budget(now); n < 100 {
		t.Errorf("hook without a rate limit has a budget of %d", n)
	}
}
