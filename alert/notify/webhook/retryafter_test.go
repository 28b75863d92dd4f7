package webhook

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		value  string
		want   time.Duration
		wantOK bool
	}{
		{"", 0, false},
		{"120", 120 * time.Second, true},
		{" 5 ", 5 * time.Second, true},
		{"0", 0, false},
		{"-3", 0, false},
		{"1.5", 0, false},
		{"99999999999999", maxRetryAfter, true},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{now.Add(-time.Hour).Format(http.TimeFormat), 0, false},
		{now.Add(1000 * 24 * time.Hour).Format(http.TimeFormat), maxRetryAfter, true},
		{"Mon, 02 Mar 2026 09:31:00 GMT", time.Minute, true},
		{"tomorrow", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.value, now)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("parseRetryAfter(%q) = %s, %v; want %s, %v", tt.value, got, ok, tt.want, tt.wantOK)
		}
	}
}

// FuzzParseRetryAfter: the header comes from the receiver. Whatever it
// says, the wait is positive and bounded, or there is no hint.
func FuzzParseRetryAfter(f *testing.F) {
	for _, seed := range []string{"120", "0", "-1", "Mon, 02 Mar 2026 09:31:00 GMT", "9223372036854775807", "Sun, 06 Nov 1994 08:49:37 GMT", ""} {
		f.Add(seed)
	}
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d, ok := parseRetryAfter(v, now)
		if ok && (d <= 0 || d > maxRetryAfter) || !ok && d != 0 {
			t.Fatalf("parseRetryAfter(%q) = %s, %v", v, d, ok)
		}
	})
}
