package notify_test

import (
	"strings"
	"testing"

	"github.com/yuqing/yuqing/alert/notify"
	"github.com/yuqing/yuqing/alert/notify/logger"
	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/config"
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
		`notify: build receiver "nothing" (departments.yaml:7): want exactly one kind (webhook or log), found 0`,
		`notify: build receiver "both" (departments.yaml:9): want exactly one kind (webhook or log), found 2`,
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
