package dingtalk_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/dingtalk"
	"github.com/yuqing/yuqing/alert/notify/internal/notifytest"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

const (
	token   = "4f1b2c3d4e5f60718293a4b5c6d7e8f9"
	secret  = "SEC0123456789abcdef"
	keyword = "舆情"
)

// fakeDingTalk behaves like the custom robot API with 加签, a keyword and
// the rate limit: it checks the signature as DingTalk does (timestamp
// within an hour of its clock), answers 310000 for a missing keyword or a
// bad signature, and once a robot sends more than 20 in a minute refuses
// everything for ten minutes.
type fakeDingTalk struct {
	mu           sync.Mutex
	clock        func() time.Time
	sent         []time.Time
	blockedUntil time.Time
	got          []map[string]any
	raw          [][]byte
	force        *dingtalk.Answer
}

func (f *fakeDingTalk) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, _ := io.ReadAll(r.Body)
	answer := func(code int, msg string) {
		_ = json.NewEncoder(w).Encode(dingtalk.Answer{ErrCode: code, ErrMsg: msg})
	}
	if f.force != nil {
		answer(f.force.ErrCode, f.force.ErrMsg)
		return
	}
	q, now := r.URL.Query(), f.clock()
	if r.URL.Path != dingtalk.SendPath || q.Get("access_token") != token {
		answer(dingtalk.CodeBadToken, "token is not exist")
		return
	}
	ms, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
	if err != nil || now.Sub(time.UnixMilli(ms)).Abs() > time.Hour {
		answer(dingtalk.CodeSecurity, "invalid timestamp")
		return
	}
	if q.Get("sign") != dingtalk.Sign([]byte(secret), q.Get("timestamp")) {
		answer(dingtalk.CodeSecurity, "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]")
		return
	}
	if now.Before(f.blockedUntil) {
		answer(dingtalk.CodeThrottled, "send too fast, exceed 20 times per minute")
		return
	}
	recent := 0
	for _, s := range f.sent {
		if now.Sub(s) < time.Minute {
			recent++
		}
	}
	if recent >= 20 {
		f.blockedUntil = now.Add(10 * time.Minute)
		answer(dingtalk.CodeThrottled, "send too fast, exceed 20 times per minute")
		return
	}
	var msg map[string]any
	if json.Unmarshal(data, &msg) != nil || len(data) > 20000 {
		answer(40035, "缺少参数 json")
		return
	}
	text, _ := msg["markdown"].(map[string]any)["text"].(string)
	if !strings.Contains(text, keyword) {
		answer(dingtalk.CodeSecurity, "keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]")
		return
	}
	f.sent = append(f.sent, now)
	f.got = append(f.got, msg)
	f.raw = append(f.raw, data)
	answer(dingtalk.CodeOK, "ok")
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func setup(t *testing.T, spec config.DingTalkSpec) (*dingtalk.Notifier, *fakeDingTalk, *clock) {
	t.Helper()
	c := &clock{t: t0}
	f := &fakeDingTalk{clock: c.Now}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	if spec.BaseURL == "" {
		spec.BaseURL = srv.URL
	}
	if spec.AccessToken == "" {
		spec.AccessToken = token
	}
	if spec.Secret == "" && spec.SecretFile == "" {
		spec.Secret = secret
	}
	l, err := alert.NewLimiter(dingtalk.DefaultRateLimit()...)
	if err != nil {
		t.Fatal(err)
	}
	n, err := dingtalk.New("housing_ding", spec, dingtalk.Options{Now: c.Now, Limiter: l,
		ConsoleURL: "https://yuqing.xianning.gov.cn/cases",
		Sleep:      func(ctx context.Context, d time.Duration) error { c.Advance(d); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return n, f, c
}

func loadAlert(t *testing.T, name string) model.Alert { return notifytest.Alert(t, name) }

func checkGolden(t *testing.T, name string, raw []byte) {
	t.Helper()
	notifytest.JSONGolden(t, filepath.Join("testdata", "golden", name), raw, *update)
}

// TestSignKnownVector pins the signature to one computed independently
// (Python: base64(hmac.new(secret, ts + "\n" + secret, sha256))).
func TestSignKnownVector(t *testing.T) {
	if got := dingtalk.Sign([]byte(secret), "1772443800000"); got != "8tOSiJ0b9mynDockLbOBqubwdceSKyp9umdVxA+ll0A=" {
		t.Fatalf("Sign = %s", got)
	}
}

func TestNotifyGolden(t *testing.T) {
	for _, kind := range []string{"new", "update", "repeat", "reminder", "escalation"} {
		t.Run(kind, func(t *testing.T) {
			n, f, _ := setup(t, config.DingTalkSpec{AtMobiles: []string{"13800000000"}})
			if retry, err := n.Notify(context.Background(), loadAlert(t, kind)); err != nil {
				t.Fatalf("Notify = %v, %v", retry, err)
			}
			if len(f.raw) != 1 {
				t.Fatalf("robot got %d messages", len(f.raw))
			}
			checkGolden(t, kind+".json", f.raw[0])
		})
	}
}

func TestAnswers(t *testing.T) {
	tests := []struct {
		name      string
		spec      config.DingTalkSpec
		force     *dingtalk.Answer
		wantRetry bool
		wantDefer time.Duration
		wantErr   string
	}{
		{name: "wrong secret is final", spec: config.DingTalkSpec{Secret: "SECwrong"}, wantErr: "errcode 310000: sign not match"},
		{name: "wrong token is final", spec: config.DingTalkSpec{AccessToken: "nope"}, wantErr: "errcode 300005"},
		{name: "keyword missing is final", force: &dingtalk.Answer{ErrCode: 310000, ErrMsg: "keywords not in content"}, wantErr: "keywords not in content"},
		{name: "ip not allowed is final", force: &dingtalk.Answer{ErrCode: 310000, ErrMsg: "ip 1.2.3.4 not in whitelist"}, wantErr: "whitelist"},
		{name: "throttled waits out the block", force: &dingtalk.Answer{ErrCode: 130101, ErrMsg: "send too fast, exceed 20 times per minute"},
			wantRetry: true, wantDefer: 10 * time.Minute, wantErr: "130101"},
		{name: "busy is retried", force: &dingtalk.Answer{ErrCode: -1, ErrMsg: "系统繁忙"}, wantRetry: true, wantErr: "系统繁忙"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, f, c := setup(t, tt.spec)
			f.force = tt.force
			retry, err := n.Notify(context.Background(), loadAlert(t, "new"))
			if err == nil || retry != tt.wantRetry || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Notify = %v, %v; want retry=%v and %q", retry, err, tt.wantRetry, tt.wantErr)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("error leaks the token: %v", err)
			}
			de, isDefer := errors.AsType[*alert.DeferError](err)
			if isDefer != (tt.wantDefer > 0) || (isDefer && !de.Until.Equal(c.Now().Add(tt.wantDefer))) {
				t.Fatalf("DeferError = %v, want a wait of %v", de, tt.wantDefer)
			}
		})
	}
}

func TestKeywordCheckPasses(t *testing.T) {
	// Every message we send names 舆情 (in its heading, its footer
	// 舆情案件编号 or a digest's title), so a robot whose security keyword
	// is 舆情 accepts all of them.
	n, f, _ := setup(t, config.DingTalkSpec{})
	for _, kind := range []string{"new", "update", "repeat", "reminder", "escalation"} {
		if _, err := n.Notify(context.Background(), loadAlert(t, kind)); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
	if _, err := n.NotifyDigest(context.Background(), []alert.DigestEntry{{DeliveryID: 1, Alert: loadAlert(t, "new")}}); err != nil {
		t.Errorf("digest: %v", err)
	}
	if len(f.got) != 6 {
		t.Errorf("robot accepted %d messages", len(f.got))
	}
}

// TestNeverBlocked sends sixty alerts as fast as the dispatcher would try
// them: the limiter defers what is over 20 a minute, so the robot never
// blocks us, and after a minute sending goes on.
func TestNeverBlocked(t *testing.T) {
	n, f, c := setup(t, config.DingTalkSpec{})
	sent, deferred := 0, 0
	for range 60 {
		_, err := n.Notify(context.Background(), loadAlert(t, "new"))
		if _, ok := errors.AsType[*alert.DeferError](err); ok {
			deferred++
			continue
		}
		if err != nil {
			t.Fatalf("after %d sent: %v", sent, err)
		}
		sent++
		c.Advance(time.Second)
	}
	if sent != 20 || deferred != 40 || !f.blockedUntil.IsZero() {
		t.Fatalf("sent %d, deferred %d, robot blocked until %v", sent, deferred, f.blockedUntil)
	}
	c.Advance(time.Minute)
	if _, err := n.Notify(context.Background(), loadAlert(t, "new")); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}

func TestDigestAndReport(t *testing.T) {
	n, f, _ := setup(t, config.DingTalkSpec{AtMobiles: []string{"13800000000"}})
	var entries []alert.DigestEntry
	for i, kind := range []string{"new", "update", "repeat", "reminder", "escalation"} {
		entries = append(entries, alert.DigestEntry{DeliveryID: int64(i + 1), Alert: loadAlert(t, kind)})
	}
	if _, err := n.NotifyDigest(context.Background(), entries); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "digest.json", f.raw[0])
	err := n.SendReport(context.Background(), model.ReportNotice{Title: "咸宁市舆情周报（2026年第9周）",
		Summary: "- 新增案件 37 件\n- 按时回应率 94.6%", URL: "https://yuqing.xianning.gov.cn/reports/2026-w09"})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.json", f.raw[1])
}

func TestWithoutSigning(t *testing.T) {
	var got *http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer srv.Close()
	n, err := dingtalk.New("d", config.DingTalkSpec{BaseURL: srv.URL + "/private/", AccessToken: token}, dingtalk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Notify(context.Background(), loadAlert(t, "new")); err != nil {
		t.Fatal(err)
	}
	if got.URL.Path != "/private/robot/send" || got.URL.RawQuery != "access_token="+token {
		t.Errorf("request to %s?%s", got.URL.Path, got.URL.RawQuery)
	}
}
