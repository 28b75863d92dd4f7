package webhook_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert/notify/webhook"
)

// TestSignKnownVector pins the signature to one computed independently
// (Python: hmac.new(b"k3y", b"1700000000." + body, hashlib.sha256)), so a
// receiver written from our documentation in any language agrees with us.
func TestSignKnownVector(t *testing.T) {
	got := webhook.Sign([]byte("k3y"), time.Unix(1700000000, 0), []byte(`{"hello":"咸宁"}`))
	const want = "sha256=38e20daab6c34d526d9f84c8304eb0a905f162d486050d83857f8b5a846d7333"
	if got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	secret := []byte("s3cret")
	body := []byte(`{"version":"1","kind":"yuqing.alert"}`)
	sent := time.Unix(1767225600, 0)
	signed := func(ts time.Time, sig string) http.Header {
		h := http.Header{}
		h.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
		if sig != "" {
			h.Set(webhook.HeaderSignature, sig)
		}
		return h
	}
	good := webhook.Sign(secret, sent, body)
	tests := []struct {
		name      string
		secret    []byte
		header    http.Header
		body      []byte
		now       time.Time
		tolerance time.Duration
		want      error
	}{
		{"valid", secret, signed(sent, good), body, sent.Add(30 * time.Second), time.Minute, nil},
		{"valid, sender clock ahead", secret, signed(sent, good), body, sent.Add(-30 * time.Second), time.Minute, nil},
		{"default tolerance is five minutes", secret, signed(sent, good), body, sent.Add(4 * time.Minute), 0, nil},
		{"forged with another secret", secret, signed(sent, webhook.Sign([]byte("guess"), sent, body)), body, sent, time.Minute, webhook.ErrBadSignature},
		{"tampered body", secret, signed(sent, good), []byte(`{"version":"2"}`), sent, time.Minute, webhook.ErrBadSignature},
		{"replayed with a new timestamp", secret, signed(sent.Add(time.Minute), good), body, sent.Add(time.Minute), time.Minute, webhook.ErrBadSignature},
		{"expired", secret, signed(sent, good), body, sent.Add(2 * time.Minute), time.Minute, webhook.ErrStale},
		{"expired, default tolerance", secret, signed(sent, good), body, sent.Add(6 * time.Minute), 0, webhook.ErrStale},
		{"from the future", secret, signed(sent, good), body, sent.Add(-2 * time.Minute), time.Minute, webhook.ErrStale},
		{"no timestamp", secret, http.Header{webhook.HeaderSignature: {good}}, body, sent, time.Minute, webhook.ErrBadTimestamp},
		{"timestamp not a number", secret, http.Header{webhook.HeaderTimestamp: {"yesterday"}, webhook.HeaderSignature: {good}}, body, sent, time.Minute, webhook.ErrBadTimestamp},
		{"no signature", secret, signed(sent, ""), body, sent, time.Minute, webhook.ErrNoSignature},
		{"other scheme", secret, signed(sent, "sha1=abcd"), body, sent, time.Minute, webhook.ErrBadSignature},
		{"not hex", secret, signed(sent, "sha256=zz"), body, sent, time.Minute, webhook.ErrBadSignature},
		{"truncated", secret, signed(sent, good[:len(good)-2]), body, sent, time.Minute, webhook.ErrBadSignature},
		{"no secret", nil, signed(sent, good), body, sent, time.Minute, webhook.ErrNoSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := webhook.Verify(tt.secret, tt.header, tt.body, tt.now, tt.tolerance)
			if (tt.want == nil) != (err == nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

// FuzzVerify feeds Verify what an attacker controls: headers and body. It
// must never panic, and must accept only what Sign produced (hex digits
// in either case).
func FuzzVerify(f *testing.F) {
	secret := []byte("s3cret")
	now := time.Unix(1767225600, 0)
	f.Add("1767225600", webhook.Sign(secret, now, []byte("{}")), []byte("{}"))
	f.Add("-9223372036854775808", "sha256=", []byte(""))
	f.Add("99999999999999999999", "sha256=00", []byte("x"))
	f.Add(" 1767225600 ", "SHA256=ab", []byte("{}"))
	f.Fuzz(func(t *testing.T, ts, sig string, body []byte) {
		h := http.Header{webhook.HeaderTimestamp: {ts}, webhook.HeaderSignature: {sig}}
		err := webhook.Verify(secret, h, body, now, time.Minute)
		if err != nil {
			return
		}
		unix, perr := strconv.ParseInt(strings.TrimSpace(ts), 10, 64)
		if perr != nil || !strings.EqualFold(webhook.Sign(secret, time.Unix(unix, 0), body), strings.TrimSpace(sig)) {
			t.Fatalf("Verify accepted ts=%q sig=%q for a body it did not sign", ts, sig)
		}
	})
}
