package wecom_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/internal/notifytest"
	"github.com/yuqing/yuqing/alert/notify/wecom"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

const key = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"

// fakeWeCom behaves like the group robot API: HTTP 200 whatever happens,
// the outcome in errcode; a wrong key is 93000, more than 20 messages in a
// minute 45009, content over the byte limits 40058.
type fakeWeCom struct {
	mu    sync.Mutex
	clock func() time.Time
	sent  []time.Time
	got   []map[string]any
	raw   [][]byte
	// force, when set, is the errcode of every answer.
	force *wecom.Answer
}

func (f *fakeWeCom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	answer := func(code int, msg string) {
		_ = json.NewEncoder(w).Encode(wecom.Answer{ErrCode: code, ErrMsg: msg})
	}
	if f.force != nil {
		answer(f.force.ErrCode, f.force.ErrMsg)
		return
	}
	if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, wecom.SendPath) || r.URL.Query().Get("key") != key {
		answer(wecom.CodeBadKey, "invalid webhook url, hint: [1772443800_1_xxx]")
		return
	}
	now := f.clock()
	recent := 0
	for _, s := range f.sent {
		if now.Sub(s) < time.Minute {
			recent++
		}
	}
	if recent >= 20 {
		answer(wecom.CodeRateLimited, "api freq out of limit")
		return
	}
	var msg map[string]any
	if err := json.Unmarshal(body, &msg); err != nil {
		answer(40035, "invalid parameter")
		return
	}
	limit, content := wecom.MarkdownLimit, ""
	switch msg["msgtype"] {
	case "markdown":
		content, _ = msg["markdown"].(map[string]any)["content"].(string)
	case "text":
		limit = wecom.TextLimit
		content, _ = msg["text"].(map[string]any)["content"].(string)
	default:
		answer(40008, "invalid message type")
		return
	}
	if len(content) > limit {
		answer(wecom.CodeTooLong, "content exceed max length")
		return
	}
	f.sent = append(f.sent, now)
	f.got = append(f.got, msg)
	f.raw = append(f.raw, body)
	answer(wecom.CodeOK, "ok")
}

func (f *fakeWeCom) messages() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.got...)
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

func setup(t *testing.T, spec config.WeComSpec, limited bool) (*wecom.Notifier, *fakeWeCom, *clock) {
	t.Helper()
	c := &clock{t: t0}
	f := &fakeWeCom{clock: c.Now}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	if spec.BaseURL == "" {
		spec.BaseURL = srv.URL
	}
	if spec.Key == "" && spec.KeyFile == "" {
		spec.Key = key
	}
	o := wecom.Options{Now: c.Now, UserAgent: "yuqing/test", ConsoleURL: "https://yuqing.xianning.gov.cn/cases",
		Sleep: func(ctx context.Context, d time.Duration) error { c.Advance(d); return nil }}
	if limited {
		l, err := alert.NewLimiter(wecom.DefaultRateLimit()...)
		if err != nil {
			t.Fatal(err)
		}
		o.Limiter = l
	}
	n, err := wecom.New("housing_wecom", spec, o)
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

func TestNotifyGolden(t *testing.T) {
	for _, kind := range []string{"new", "update", "repeat", "reminder", "escalation"} {
		t.Run(kind, func(t *testing.T) {
			n, f, _ := setup(t, config.WeComSpec{}, true)
			if retry, err := n.Notify(context.Background(), loadAlert(t, kind)); err != nil {
				t.Fatalf("Notify = %v, %v", retry, err)
			}
			if len(f.raw) != 1 {
				t.Fatalf("robot got %d messages, want 1", len(f.raw))
			}
			checkGolden(t, kind+".json", f.raw[0])
		})
	}
}

func TestMentionsFollowAsText(t *testing.T) {
	n, f, _ := setup(t, config.WeComSpec{MentionedMobiles: []string{"13800000000", "@all"}}, true)
	if _, err := n.Notify(context.Background(), loadAlert(t, "new")); err != nil {
		t.Fatal(err)
	}
	got := f.messages()
	if len(got) != 2 || got[0]["msgtype"] != "markdown" || got[1]["msgtype"] != "text" {
		t.Fatalf("robot got %v, want markdown then text", got)
	}
	text := got[1]["text"].(map[string]any)
	if text["content"] != "请及时处置：新舆情 · Ⅱ级 重大（橙色预警）｜通城县某楼盘停工两年 业主集体维权讨说法" {
		t.Errorf("mention text = %q", text["content"])
	}
	if m, _ := json.Marshal(text["mentioned_mobile_list"]); string(m) != `["13800000000","@all"]` {
		t.Errorf("mentioned_mobile_list = %s", m)
	}
}

func TestLongAlertIsSplitAndNumbered(t *testing.T) {
	n, f, _ := setup(t, config.WeComSpec{}, true)
	if _, err := n.Notify(context.Background(), loadAlert(t, "long")); err != nil {
		t.Fatal(err)
	}
	got := f.messages()
	if len(got) != 2 {
		t.Fatalf("robot got %d parts, want 2", len(got))
	}
	for i, m := range got {
		content := m["markdown"].(map[string]any)["content"].(string)
		if want := []string{"（1/2）\n", "（2/2）\n"}[i]; !strings.HasPrefix(content, want) || len(content) > wecom.MarkdownLimit {
			t.Errorf("part %d: %d bytes, starts %q", i+1, len(content), content[:min(len(content), 20)])
		}
	}
}

func TestAnswers(t *testing.T) {
	tests := []struct {
		name      string
		answer    wecom.Answer
		wantRetry bool
		wantDefer bool
	}{
		{"bad key is final", wecom.Answer{ErrCode: 93000, ErrMsg: "invalid webhook url"}, false, false},
		{"too long is final", wecom.Answer{ErrCode: 40058, ErrMsg: "content exceed max length"}, false, false},
		{"rate limited waits a minute", wecom.Answer{ErrCode: 45009, ErrMsg: "api freq out of limit"}, true, true},
		{"busy is retried", wecom.Answer{ErrCode: -1, ErrMsg: "system busy"}, true, false},
		{"unknown code is retried", wecom.Answer{ErrCode: 60020, ErrMsg: "not allow to access from your ip"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, f, c := setup(t, config.WeComSpec{}, true)
			f.force = &tt.answer
			retry, err := n.Notify(context.Background(), loadAlert(t, "new"))
			if err == nil || retry != tt.wantRetry || !strings.Contains(err.Error(), tt.answer.ErrMsg) {
				t.Fatalf("Notify = %v, %v", retry, err)
			}
			if strings.Contains(err.Error(), key) {
				t.Errorf("error leaks the key: %v", err)
			}
			de, isDefer := errors.AsType[*alert.DeferError](err)
			if isDefer != tt.wantDefer || (isDefer && !de.Until.Equal(c.Now().Add(time.Minute))) {
				t.Fatalf("DeferError = %v, want %v (a minute)", de, tt.wantDefer)
			}
			if tt.wantDefer {
				if b, next := n.Budget(c.Now()); b != 0 || !next.Equal(de.Until) {
					t.Errorf("after 45009 the budget is %d until %v; want none for a minute", b, next)
				}
			}
		})
	}
}

func TestWrongKeyAgainstFakeRobot(t *testing.T) {
	n, _, _ := setup(t, config.WeComSpec{Key: "wrong"}, false)
	retry, err := n.Notify(context.Background(), loadAlert(t, "new"))
	if retry || err == nil || !strings.Contains(err.Error(), "errcode 93000") {
		t.Fatalf("Notify = %v, %v; want final 93000", retry, err)
	}
}

func TestHTTPFailuresAreRetried(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway)
	}))
	defer srv.Close()
	n, err := wecom.New("w", config.WeComSpec{BaseURL: srv.URL, Key: key}, wecom.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if retry, err := n.Notify(context.Background(), loadAlert(t, "new")); !retry || err == nil || !strings.Contains(err.Error(), "HTTP 502") {
		t.Fatalf("Notify = %v, %v; want a retryable 502", retry, err)
	}
}

// TestRateLimitIsNeverExceeded sends forty alerts in one go: twenty pass,
// the rest are deferred without reaching the robot, and the robot's own
// count never trips.
func TestRateLimitIsNeverExceeded(t *testing.T) {
	n, f, c := setup(t, config.WeComSpec{}, true)
	for i := range 40 {
		retry, err := n.Notify(context.Background(), loadAlert(t, "repeat"))
		de, deferred := errors.AsType[*alert.DeferError](err)
		switch {
		case i < 20 && err != nil:
			t.Fatalf("alert %d: %v", i, err)
		case i >= 20 && (!deferred || !retry || !de.Until.After(c.Now())):
			t.Fatalf("alert %d: %v, %v; want a deferral", i, retry, err)
		}
	}
	if len(f.messages()) != 20 {
		t.Fatalf("robot got %d, want 20", len(f.messages()))
	}
	c.Advance(time.Minute)
	if _, err := n.Notify(context.Background(), loadAlert(t, "repeat")); err != nil {
		t.Fatalf("a minute later: %v", err)
	}
}

func TestDigestIsOneTextWithMentions(t *testing.T) {
	n, f, _ := setup(t, config.WeComSpec{MentionedMobiles: []string{"13800000000"}}, true)
	var entries []alert.DigestEntry
	for i, kind := range []string{"new", "update", "repeat", "reminder", "escalation", "long", "new", "repeat", "update", "new", "reminder", "repeat"} {
		entries = append(entries, alert.DigestEntry{DeliveryID: int64(i + 1), Alert: loadAlert(t, kind)})
	}
	if _, err := n.NotifyDigest(context.Background(), entries); err != nil {
		t.Fatal(err)
	}
	got := f.messages()
	if len(got) != 1 || got[0]["msgtype"] != "text" {
		t.Fatalf("robot got %v, want one text message", got)
	}
	content := got[0]["text"].(map[string]any)["content"].(string)
	if !strings.HasPrefix(content, "【舆情汇总：12 条】") || len(content) > wecom.TextLimit {
		t.Errorf("digest (%d bytes):\n%s", len(content), content)
	}
	checkGolden(t, "digest.json", f.raw[0])
}

func TestSendReport(t *testing.T) {
	n, f, _ := setup(t, config.WeComSpec{}, true)
	var _ alert.ReportSender = n
	err := n.SendReport(context.Background(), model.ReportNotice{Title: "咸宁市舆情周报（2026年第9周）",
		Summary: "- 新增案件 37 件\n- 按时回应率 94.6%", URL: "https://yuqing.xianning.gov.cn/reports/2026-w09"})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "report.json", f.raw[0])
}

func TestNewChecksSpec(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		spec    config.WeComSpec
		wantErr string
	}{
		{"inline key", config.WeComSpec{Key: key}, ""},
		{"key file", config.WeComSpec{KeyFile: keyFile}, ""},
		{"private base", config.WeComSpec{BaseURL: "https://wecom.xianning.gov.cn/proxy/", Key: key}, ""},
		{"no key", config.WeComSpec{}, "key: missing"},
		{"both", config.WeComSpec{Key: key, KeyFile: keyFile}, "not both"},
		{"bad base", config.WeComSpec{BaseURL: "qyapi.weixin.qq.com", Key: key}, "base_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := wecom.New("w", tt.spec, wecom.Options{})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatal(err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("New = %v, want %q", err, tt.wantErr)
			case err != nil && strings.Contains(err.Error(), key):
				t.Fatalf("error leaks the key: %v", err)
			}
			if tt.name == "private base" && n.Destination() != "https://wecom.xianning.gov.cn/proxy/cgi-bin/webhook/send?key="+key {
				t.Errorf("Destination = %s", n.Destination())
			}
		})
	}
}
