package web_test

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/web"
)

func newTestLinks(t testing.TB, base string) *web.Links {
	t.Helper()
	l, err := web.NewLinks([]byte(linkKey), time.Hour, func() string { return base })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLinks(t *testing.T) {
	l := newTestLinks(t, "https://yuqing.example.gov.cn/")
	raw := l.ActionURL(42, "sign", t0)
	u, err := url.Parse(raw)
	if err != nil || u.Host != "yuqing.example.gov.cn" || u.Path != "/act/42/sign" {
		t.Fatalf("ActionURL = %q", raw)
	}
	e, s := u.Query().Get("e"), u.Query().Get("s")
	if want := strconv.FormatInt(t0.Add(time.Hour).Unix(), 10); e != want {
		t.Errorf("expiry %s, want %s", e, want)
	}
	tests := []struct {
		name   string
		id     int64
		action string
		e, s   string
		now    time.Time
		want   error
	}{
		{"valid", 42, "sign", e, s, t0, nil},
		{"valid until the last second", 42, "sign", e, s, t0.Add(time.Hour), nil},
		{"expired", 42, "sign", e, s, t0.Add(time.Hour + time.Second), web.ErrLinkExpired},
		{"other case", 43, "sign", e, s, t0, web.ErrLinkInvalid},
		{"other action", 42, "dismiss", e, s, t0, web.ErrLinkInvalid},
		{"longer life", 42, "sign", e + "9", s, t0, web.ErrLinkInvalid},
		{"not a number", 42, "sign", "soon", s, t0, web.ErrLinkInvalid},
		{"empty signature", 42, "sign", e, "", t0, web.ErrLinkInvalid},
	}
	for _, tt := range tests {
		if err := l.Verify(tt.id, tt.action, tt.e, tt.s, tt.now); !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
			t.Errorf("%s: Verify = %v, want %v", tt.name, err, tt.want)
		}
	}
	other, _ := web.NewLinks([]byte(strings.Repeat("k", 40)), time.Hour, func() string { return "https://x" })
	if err := other.Verify(42, "sign", e, s, t0); !errors.Is(err, web.ErrLinkInvalid) {
		t.Errorf("another key verified the link: %v", err)
	}
	if got := newTestLinks(t, "").ActionURL(1, "sign", t0); got != "" {
		t.Errorf("ActionURL without a base = %q, want none", got)
	}
	if _, err := web.NewLinks([]byte("short"), time.Hour, nil); err == nil {
		t.Error("NewLinks accepted a short key")
	}
}

// FuzzLinksVerify feeds outside input (the path and query of a link) to
// Verify: it must never panic, and only the link it signed may pass.
func FuzzLinksVerify(f *testing.F) {
	l := newTestLinks(f, "https://x")
	u, _ := url.Parse(l.ActionURL(7, "respond", t0))
	f.Add(int64(7), "respond", u.Query().Get("e"), u.Query().Get("s"))
	f.Add(int64(-1), "", "", "")
	f.Add(int64(7), "respond", "99999999999999999999", "%%%")
	f.Fuzz(func(t *testing.T, id int64, action, e, s string) {
		err := l.Verify(id, action, e, s, t0)
		if err == nil && (id != 7 || action != "respond" || e != u.Query().Get("e") || s != u.Query().Get("s")) {
			t.Fatalf("Verify accepted a link it did not sign: %d %q %q %q", id, action, e, s)
		}
	})
}
