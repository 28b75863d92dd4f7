package notify_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify"
	"github.com/yuqing/yuqing/alert/notify/logger"
	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

func TestBuild(t *testing.T) {
	got, err := notify.Build([]config.Receiver{
		{Name: "log", Log: &config.LogSpec{}},
		{Name: "housing_hook", Webhook: &config.WebhookSpec{URL: "https://bridge.example.gov.cn/yuqing/housing", Secret: "s"}},
	}, notify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := got["log"].(*logger.Notifier); !ok {
		t.Errorf("log = %T, want *logger.Notifier", got["log"])
	}
	if _, ok := got["housing_hook"].(*webhook.Notifier); !ok {
		t.Errorf("housing_hook = %T, want *webhook.Notifier", got["housing_hook"])
	}
	if len(got) != 2 {
		t.Errorf("built %d notifiers, want 2", len(got))
	}
}

func TestBuildReportsEveryBadReceiver(t *testing.T) {
	pos := func(line int) config.Pos { return config.Pos{File: "departments.yaml", Line: line} }
	_, err := notify.Build([]config.Receiver{
		{Name: "log", Log: &config.LogSpec{}, Pos: pos(3)},
		{Name: "log", Log: &config.LogSpec{}, Pos: pos(5)},
		{Name: "nothing", Pos: pos(7)},
		{Name: "both", Log: &config.LogSpec{}, Webhook: &config.WebhookSpec{URL: "https://h.example/"}, Pos: pos(9)},
		{Name: "bad_url", Webhook: &config.WebhookSpec{URL: "not a url?key=K"}, Pos: pos(11)},
		{Log: &config.LogSpec{}, Pos: pos(13)},
	}, notify.Options{})
	if err == nil {
		t.Fatal("Build accepted bad receivers")
	}
	for _, want := range []string{
		`notify: build receiver "log" (departments.yaml:5): receiver "log" is defined twice`,
		`notify: build receiver "nothing" (departments.yaml:7): want exactly one kind (webhook, wecom, dingtalk, feishu, email, nats or log), found 0`,
		`notify: build receiver "both" (departments.yaml:9): want exactly one kind (webhook, wecom, dingtalk, feishu, email, nats or log), found 2`,
		`notify: build receiver "bad_url" (departments.yaml:11): webhook: new receiver bad_url: url must be an absolute http or https URL`,
		`notify: build receiver "" (departments.yaml:13): receiver has no name`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "key=K") {
		t.Errorf("error leaks a URL: %v", err)
	}
	if n := strings.Count(err.Error(), "\n") + 1; n != 5 {
		t.Errorf("%d errors, want 5:\n%v", n, err)
	}
}

func allKinds() []config.Receiver {
	return []config.Receiver{
		{Name: "log", Log: &config.LogSpec{}},
		{Name: "hook", Webhook: &config.WebhookSpec{URL: "https://bridge.example.gov.cn/yuqing", Format: "alertmanager"}},
		{Name: "wecom_a", WeCom: &config.WeComSpec{Key: "k1"}},
		{Name: "wecom_b", WeCom: &config.WeComSpec{Key: "k1", MentionedMobiles: []string{"13800000000"}}},
		{Name: "wecom_c", WeCom: &config.WeComSpec{Key: "k2", BaseURL: "https://wx.xianning.gov.cn"}},
		{Name: "ding", DingTalk: &config.DingTalkSpec{AccessToken: "t", Secret: "SECx"}},
		{Name: "feishu", Feishu: &config.FeishuSpec{Token: "t", Format: "text"}},
		{Name: "mail", Email: &config.EmailSpec{Host: "smtp.xianning.gov.cn", From: "yuqing@xianning.gov.cn", To: []string{"a@xianning.gov.cn"}},
			RateLimit: &config.RateLimit{PerMinute: 30}},
		{Name: "bus", NATS: &config.NATSSpec{}},
	}
}

type nopPublisher struct{}

func (nopPublisher) PublishAlert(context.Context, string, string, any) error { return nil }

func TestBuildEveryKind(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC) }
	got, err := notify.Build(allKinds(), notify.Options{Publisher: nopPublisher{}, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	reporters := 0
	for name, n := range got {
		if _, ok := n.(alert.ReportSender); ok {
			reporters++
		} else if name != "log" && name != "bus" {
			t.Errorf("%s (%T) cannot send reports", name, n)
		}
	}
	if reporters != 7 {
		t.Errorf("%d report senders, want 7", reporters)
	}
	budget := func(name string) int {
		b, _ := got[name].(alert.RateLimited).Budget(now())
		return b
	}
	if budget("wecom_a") != 20 || budget("ding") != 20 || budget("feishu") != 5 || budget("mail") != 30 {
		t.Errorf("budgets: wecom %d, ding %d, feishu %d, mail %d; want the defaults 20, 20, 5 and the configured 30",
			budget("wecom_a"), budget("ding"), budget("feishu"), budget("mail"))
	}
}

// TestReceiversOfOneRobotShareItsLimit: two receivers naming the same
// robot draw on one bucket, since the robot counts them together.
func TestReceiversOfOneRobotShareItsLimit(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		_, _ = io.WriteString(w, `{"errcode":0,"errmsg":"ok"}`)
	}))
	defer srv.Close()
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC) }
	rs := []config.Receiver{
		{Name: "a", WeCom: &config.WeComSpec{BaseURL: srv.URL, Key: "same"}},
		{Name: "b", WeCom: &config.WeComSpec{BaseURL: srv.URL, Key: "same"}},
		{Name: "c", WeCom: &config.WeComSpec{BaseURL: srv.URL, Key: "other"}},
	}
	got, err := notify.Build(rs, notify.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	a := model.Alert{CaseID: 1, Department: "housing", Item: model.Item{Title: "测试舆情"}}
	for range 20 {
		if _, err := got["a"].Notify(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := got["b"].Notify(context.Background(), a); err == nil {
		t.Error("receiver b sent a 21st message to the same robot within the minute")
	}
	if _, err := got["c"].Notify(context.Background(), a); err != nil {
		t.Errorf("receiver c (another robot) was held back: %v", err)
	}
	if hits != 21 {
		t.Errorf("robots got %d requests, want 21", hits)
	}
}

func TestBuildRejects(t *testing.T) {
	tests := []struct {
		name string
		rs   []config.Receiver
		want string
	}{
		{"nats with a rate limit", []config.Receiver{{Name: "bus", NATS: &config.NATSSpec{}, RateLimit: &config.RateLimit{PerMinute: 5}}}, "does not apply"},
		{"one robot, two limits", []config.Receiver{
			{Name: "a", WeCom: &config.WeComSpec{Key: "k"}},
			{Name: "b", WeCom: &config.WeComSpec{Key: "k"}, RateLimit: &config.RateLimit{PerMinute: 10}},
		}, "same destination"},
		{"robot without limit", []config.Receiver{{Name: "a", WeCom: &config.WeComSpec{Key: "k"}, RateLimit: &config.RateLimit{}}}, "needs per_minute"},
		{"wecom without key", []config.Receiver{{Name: "a", WeCom: &config.WeComSpec{}}}, "key: missing"},
	}
	for _, tt := range tests {
		if _, err := notify.Build(tt.rs, notify.Options{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Build = %v, want %q", tt.name, err, tt.want)
		}
	}
}
