package config

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestReceiversValid(t *testing.T) {
	t.Setenv("YUQING_TEST_DING_TOKEN", "ding-token")
	t.Setenv("YUQING_TEST_DING_SECRET", "SECding")
	// The built-in taxonomy and routes name departments this small file
	// does not define; only the problems of the file itself matter here.
	c, err := Load("testdata/receivers/valid.yaml")
	if ps := problemsIn(t, err, "valid-departments.yaml"); len(ps) > 0 {
		t.Fatalf("valid receivers have problems:\n%s", strings.Join(ps, "\n"))
	}
	byName := map[string]Receiver{}
	for _, r := range c.Receivers {
		byName[r.Name] = r
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"wecom kind", byName["office_wecom"].Kind(), KindWeCom},
		{"wecom base", byName["office_wecom"].WeCom.BaseURL, "https://wx.xianning.gov.cn"},
		{"wecom mentions", strings.Join(byName["office_wecom"].WeCom.MentionedMobiles, ","), "13800000000,@all"},
		{"dingtalk secret from env", byName["housing_ding"].DingTalk.Secret.Reveal(), "SECding"},
		{"dingtalk rate limit", byName["housing_ding"].RateLimit.PerMinute, 10},
		{"feishu format", byName["housing_feishu"].Feishu.Format, FeishuFormatText},
		{"email tls", byName["office_mail"].Email.TLS, EmailTLSImplicit},
		{"email kind", byName["office_mail"].Kind(), KindEmail},
		{"webhook format", byName["housing_am"].Webhook.Format, WebhookFormatAlertmanager},
		{"nats kind", byName["bus"].Kind(), KindNATS},
	}
	for _, ck := range checks {
		if ck.got != ck.want {
			t.Errorf("%s: got %v, want %v", ck.name, ck.got, ck.want)
		}
	}
}

// TestReceiversInvalid checks that every problem of every receiver is
// reported at once with its line.
func TestReceiversInvalid(t *testing.T) {
	_, err := Load("testdata/receivers/invalid.yaml")
	ps := problemsIn(t, err, "invalid-departments.yaml")
	got := strings.Join(ps, "\n")
	want := []string{
		`invalid-departments.yaml:5: receiver w1: wecom.base_url "qyapi.weixin.qq.com": want an http(s) URL`,
		`invalid-departments.yaml:5: receiver w1: wecom.key (or key_file) is required`,
		`invalid-departments.yaml:5: receiver w1: wecom.mentioned_mobiles: "12345" is not a mobile number or @all`,
		`invalid-departments.yaml:7: receiver w2: set wecom.key or wecom.key_file, not both`,
		`invalid-departments.yaml:8: receiver w2: rate_limit of a wecom robot needs per_minute or per_second`,
		`invalid-departments.yaml:10: receiver d1: set dingtalk.secret or dingtalk.secret_file, not both`,
		`invalid-departments.yaml:10: receiver d1: dingtalk.at_mobiles: "abc" is not a mobile number`,
		`invalid-departments.yaml:12: receiver f1: feishu.format "post": want card or text`,
		`invalid-departments.yaml:13: receiver f1: rate_limit values must not be negative`,
		`invalid-departments.yaml:15: receiver m1: email.host "smtp.example.cn:25": want a host name or address, without port`,
		`invalid-departments.yaml:15: receiver m1: email.port 70000: want 1-65535`,
		`invalid-departments.yaml:15: receiver m1: email.tls "ssl": want starttls, tls, opportunistic or none`,
		`invalid-departments.yaml:15: receiver m1: email.password is set without email.username`,
		`invalid-departments.yaml:15: receiver m1: email.from "nobody": not an address`,
		`invalid-departments.yaml:15: receiver m1: email.to "not an address": not an address`,
		`invalid-departments.yaml:17: receiver m2: email.to lists no recipient`,
		`invalid-departments.yaml:19: receiver h1: webhook.format "slack": want yuqing or alertmanager`,
		`invalid-departments.yaml:22: receiver n1: rate_limit does not apply to a nats receiver`,
		`invalid-departments.yaml:25: field colour not found in type config.Receiver`,
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("problems lack\n  %s\ngot:\n%s", w, got)
		}
	}
	if n := len(ps); n != len(want) {
		t.Errorf("%d problems, want %d:\n%s", n, len(want), got)
	}
}

// problemsIn returns the problems err reports in the file named base.
func problemsIn(t *testing.T, err error, base string) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	ps, ok := err.(Problems)
	if !ok {
		t.Fatalf("want Problems, got %T: %v", err, err)
	}
	var out []string
	for _, p := range ps {
		if filepath.Base(p.Pos.File) == base {
			out = append(out, base+":"+strconv.Itoa(p.Pos.Line)+": "+p.Msg)
		}
	}
	return out
}

func TestReadSecret(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "key")
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(file, []byte("  k3y\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		inline  Secret
		file    string
		want    string
		wantErr string
	}{
		{"inline", "", "inline", ""},
		{"", file, "k3y", ""},
		{"", "", "", ""},
		{"a", file, "", "not both"},
		{"", empty, "", "is empty"},
		{"", filepath.Join(dir, "missing"), "", "no such file"},
	}
	for _, tt := range tests {
		got, err := ReadSecret(tt.inline, tt.file)
		if got != tt.want || (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("ReadSecret(%q, %q) = %q, %v; want %q, %q", tt.inline, tt.file, got, err, tt.want, tt.wantErr)
		}
	}
}
