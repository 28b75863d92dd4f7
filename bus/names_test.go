package bus

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/yuqing/yuqing/config"
)

func TestApplyDefaults(t *testing.T) {
	cases := []struct {
		name string
		in   config.NATS
		want config.NATS
	}{
		{"all zero", config.NATS{}, config.NATS{
			Namespace: "yuqing", MaxMemory: 64 << 20, MaxStore: 1 << 30,
			DuplicateWindow: config.Duration(time.Hour), MaxAge: config.Duration(14 * 24 * time.Hour),
			Replicas: 1, MaxDeliver: 20, AckWait: config.Duration(time.Minute), SyncInterval: config.Duration(time.Second),
		}},
		{"set values kept", config.NATS{
			URL: "nats://a:4222", Namespace: "xn", MaxMemory: 1, MaxStore: 2, DuplicateWindow: 3,
			MaxAge: 4, Replicas: 3, MaxDeliver: 5, AckWait: 6, SyncInterval: 7, SyncAlways: true,
		}, config.NATS{
			URL: "nats://a:4222", Namespace: "xn", MaxMemory: 1, MaxStore: 2, DuplicateWindow: 3,
			MaxAge: 4, Replicas: 3, MaxDeliver: 5, AckWait: 6, SyncInterval: 7, SyncAlways: true,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := ApplyDefaults(tc.in); got != tc.want {
				t.Fatalf("ApplyDefaults(%+v)\n got %+v\nwant %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestDefaultNakDelay(t *testing.T) {
	cases := []struct {
		delivered uint64
		want      time.Duration
	}{
		{0, time.Second},
		{1, time.Second},
		{2, 2 * time.Second},
		{3, 4 * time.Second},
		{9, 256 * time.Second},
		{10, 5 * time.Minute},
		{64, 5 * time.Minute},
		{1 << 40, 5 * time.Minute},
	}
	for _, tc := range cases {
		if got := DefaultNakDelay(tc.delivered); got != tc.want {
			t.Errorf("DefaultNakDelay(%d) = %s, want %s", tc.delivered, got, tc.want)
		}
	}
}

func TestValidateToken(t *testing.T) {
	cases := []struct {
		token string
		ok    bool
	}{
		{"xnnews", true},
		{"hbxn_gov", true},
		{"chibi-forum", true},
		{"12345", true},
		{strings.Repeat("a", 128), true},
		{"", false},
		{strings.Repeat("a", 129), false},
		{"a.b", false},
		{"*", false},
		{">", false},
		{"a b", false},
		{"a\tb", false},
		{"咸宁", false},
		{"Xnnews", false},
		{"a/b", false},
	}
	for _, tc := range cases {
		err := ValidateToken(tc.token)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateToken(%q) = %v, want ok=%v", tc.token, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidToken) {
			t.Errorf("ValidateToken(%q) error does not wrap ErrInvalidToken: %v", tc.token, err)
		}
	}
}

func TestStreamName(t *testing.T) {
	cases := []struct{ ns, kind, want string }{
		{"yuqing", KindItems, "YUQING_ITEMS"},
		{"xn-city_2", KindAlerts, "XN_CITY_2_ALERTS"},
	}
	for _, tc := range cases {
		if got := streamName(tc.ns, tc.kind); got != tc.want {
			t.Errorf("streamName(%q, %q) = %q, want %q", tc.ns, tc.kind, got, tc.want)
		}
	}
}

// FuzzValidateToken checks that whatever a feed or a config file puts into a
// source id, an accepted token yields a subject of exactly three tokens with
// no wildcard, and a stream name NATS accepts.
func FuzzValidateToken(f *testing.F) {
	for _, s := range []string{"xnnews", "a.b", "*", ">", "咸宁", " ", "a\x00b", "hbxn_gov-2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidateToken(s) != nil {
			return
		}
		subj := subject("yuqing", KindItems, s)
		parts := strings.Split(subj, ".")
		if len(parts) != 3 || parts[2] != s {
			t.Fatalf("token %q gives subject %q", s, subj)
		}
		if strings.ContainsAny(s, "*> \t\r\n") || !utf8.ValidString(s) {
			t.Fatalf("token %q accepted with a forbidden character", s)
		}
		name := streamName(s, KindItems)
		if strings.ContainsAny(name, ".*> ") {
			t.Fatalf("namespace %q gives stream name %q", s, name)
		}
	})
}
