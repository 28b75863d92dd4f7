package feishu_test

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
	"github.com/yuqing/yuqing/alert/notify/feishu"
	"github.com/yuqing/yuqing/alert/notify/internal/notifytest"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

const (
	token  = "0e5c7d1a-2b3c-4d5e-8f90-a1b2c3d4e5f6"
	secret = "feishu-secret"
)

// fakeFeishu behaves like a custom bot with signature verification: it
// checks timestamp (within an hour) and sign as Feishu does, refuses
// bodies over 20 KB, and answers 11232 past 5 a second or 100 a minute.
type fakeFeishu struct {
	mu    sync.Mutex
	clock func() time.Time
	sent  []time.Time
	got   []map[string]any
	raw   [][]byte
	force *feishu.Answer
}

func (f *fakeFeishu) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, _ := io.ReadAll(r.Body)
	answer := func(code int, msg string) {
		_ = json.NewEncoder(w).Encode(feishu.Answer{Code: code, Msg: msg})
	}
	if f.force != nil {
		_ = json.NewEncoder(w).Encode(f.force)
		return
	}
	if r.URL.Path != feishu.HookPath+token {
		answer(19001, "param invalid: incoming webhook access token invalid")
		return
	}
	if len(data) > feishu.BodyLimit {
		answer(9499, "Bad Request")
		return
	}
	var msg map[string]any
	if json.Unmarshal(data, &msg) != nil {
		answer(9499, "Bad Request")
		return
	}
	now := f.clock()
	ts, _ := msg["timestamp"].(string)
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(unix, 0)).Abs() > time.Hour || msg["sign"] != feishu.Sign([]byte(secret), ts) {
		answer(feishu.CodeBadSign, "sign match fail or timestamp is not within one hour from current time")
		return
	}
	inSecond, inMinute := 0, 0
	for _, s := range f.sent {
		if now.Sub(s) < time.Second {
			inSecond++
		}
		if now.Sub(s) < time.Minute {
			inMinute++
		}
	}
	if inSecond >= 5 || inMinute >= 100 {
		answer(feishu.CodeRateLimited, "frequency limited psm[lark.oapi.app_platform_runtime]appID[1]")
		return
	}
	f.sent = append(f.sent, now)
	f.got = append(f.got, msg)
	f.raw = append(f.raw, data)
	_, _ = io.WriteString(w, `{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}`)
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

func setup(t *testing.T, spec config.FeishuSpec) (*feishu.Notifier, *fakeFeishu, *clock) {
	t.Helper()
	c := &clock{t: t0}
	f := &fakeFeishu{clock: c.Now}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	spec.BaseURL = srv.URL
	if spec.Token == "" {
		spec.Token = token
	}
	if spec.Secret == "" {
		spec.Secret = secret
	}
	l, err := alert.NewLimiter(feishu.DefaultRateLimit()...)
	if err != nil {
		t.Fatal(err)
	}
	n, err := feishu.New("housing_feishu", spec, feishu.Options{Now: c.Now, Limiter: l,
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
// (Python: base64(hmac.new(ts + "\n" + secret, b"", sha256))).
func TestSignKnownVector(t *testing.T) {
	if got := feishu.Sign([]byte(secret), "1772443800"); got != "QLGW3uxu5RKOmz6erQTQEqRz320qYlQEB6G0j1TysMA=" {
		t.Fatalf("Sign = %s", got)
	}
}

func TestNotifyGolden(t *testing.T) {
	for _, format := range []string{"card", "text"} {
		for _, kind := range []string{"new", "update", "repeat", "reminder", "escalation"} {
			t.Run(format+"/"+kind, func(t *testing.T) {
				n, f, _ := setup(t, config.FeishuSpec{Format: format})
				if retry, err := n.Notify(context.Background(), loadAlert(t, kind)); err != nil {
					t.Fatalf("Notify = %v, %v", retry, err)
				}
				if len(f.raw) != 1 {
					t.Fatalf("bot got %d messages", len(f.raw))
				}
				checkGolden(t, format+"."+kind+".json", f.raw[0])
			})
		}
	}
}

func TestAnswers(t *testing.T) {
	tests := []struct {
		name      string
		force     feishu.Answer
		wantRetry bool
		wantDefer bool
	}{
		{"signature is final", feishu.Answer{Code: 19021, Msg: "sign match fail or timestamp is not within one hour from current time"}, false, false},
		{"ip is final", feishu.Answer{Code: 19022, Msg: "Ip Not Allowed"}, false, false},
		{"keyword is final", feishu.Answer{Code: 19024, Msg: "Key Words Not Found"}, false, false},
		{"rate limited waits", feishu.Answer{Code: 11232, Msg: "frequency limited"}, true, true},
		{"old format error", feishu.Answer{StatusCode: 19021, StatusMessage: "sign match fail"}, false, false},
		{"unknown is retried", feishu.Answer{Code: 99991400, Msg: "request trigger frequency limit"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, f, c := setup(t, config.FeishuSpec{})
			f.force = &tt.force
			retry, err := n.Notify(context.Background(), loadAlert(t, "new"))
			if err == nil || retry != tt.wantRetry || strings.Contains(err.Error(), token) {
				t.Fatalf("Notify = %v, %v", retry, err)
			}
			de, isDefer := errors.AsType[*alert.DeferError](err)
			if isDefer != tt.wantDefer || (isDefer && !de.Until.Equal(c.Now().Add(time.Minute))) {
				t.Fatalf("DeferError = %v, want %v", de, tt.wantDefer)
			}
		})
	}
}

func TestWrongSecretAgainstFakeBot(t *testing.T) {
	n, _, _ := setup(t, config.FeishuSpec{Secret: "other"})
	retry, err := n.Notify(context.Background(), loadAlert(t, "new"))
	if retry || err == nil || !strings.Contains(err.Error(), "code 19021") {
		t.Fatalf("Notify = %v, %v; want final 19021", retry, err)
	}
}

// TestPacesFiveASecond sends twelve alerts at once: the limiter spreads
// them over three seconds (paced through Sleep), and the bot never
// answers 11232.
func TestPacesFiveASecond(t *testing.T) {
	n, f, c := setup(t, config.FeishuSpec{})
	for i := range 12 {
		if _, err := n.Notify(context.Background(), loadAlert(t, "repeat")); err != nil {
			t.Fatalf("alert %d: %v", i, err)
		}
	}
	if len(f.got) != 12 || !c.Now().Equal(t0.Add(2*time.Second)) {
		t.Fatalf("bot got %d, clock at +%v; want 12 over 2s", len(f.got), c.Now().Sub(t0))
	}
}

// TestOversizedCardFallsBackToText: a digest card cannot exceed 20 KB,
// and a report whose summary would is sent as numbered text parts.
func TestOversizedCardFallsBackToText(t *testing.T) {
	n, f, _ := setup(t, config.FeishuSpec{})
	r := model.ReportNotice{Title: "咸宁市舆情周报", Summary: strings.Repeat("- 某领域本周信息量上升，需持续关注。\n", 600), URL: "https://yuqing.xianning.gov.cn/r/1"}
	if err := n.SendReport(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if len(f.got) < 2 || f.got[0]["msg_type"] != "text" {
		t.Fatalf("bot got %d messages of type %v; want text parts", len(f.got), f.got[0]["msg_type"])
	}
	for i, raw := range f.raw {
		if len(raw) > feishu.BodyLimit {
			t.Errorf("part %d: %d bytes", i+1, len(raw))
		}
	}
}

func TestDigestAndReport(t *testing.T) {
	n, f, _ := setup(t, config.FeishuSpec{})
	var entries []alert.DigestEntry
	for i, kind := range []string{"new", "update", "repeat", "reminder", "escalation"} {
		entries = append(entries, alert.DigestEntry{DeliveryID: int64(i + 1), Alert: loadAlert(t, kind)})
	}
	if _, err := n.NotifyDigest(context.Background(), entries); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "card.digest.json", f.raw[0])
	err := n.SendReport(context.Background(), model.ReportNotice{Title: "咸宁市舆情周报（2026年第9周）",
		Summary: "- 新增案件 37 件\n- 按时回应率 94.6%", URL: "https://yuqing.xianning.gov.cn/reports/2026-w09"})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "card.report.json", f.raw[1])
}
