package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"regexp"
	"strings"
)

// Receiver is a named destination for alerts. Exactly one kind is set.
type Receiver struct {
	Name     string        `yaml:"name"`
	Webhook  *WebhookSpec  `yaml:"webhook"`
	WeCom    *WeComSpec    `yaml:"wecom"`
	DingTalk *DingTalkSpec `yaml:"dingtalk"`
	Feishu   *FeishuSpec   `yaml:"feishu"`
	Email    *EmailSpec    `yaml:"email"`
	NATS     *NATSSpec     `yaml:"nats"`
	Log      *LogSpec      `yaml:"log"`
	// RateLimit replaces the kind's default limit on messages to the
	// receiver's destination (WeCom and DingTalk 20/min, Feishu 100/min and
	// 5/s, none for the others). Alerts over the limit wait and go out
	// merged into one digest.
	RateLimit *RateLimit `yaml:"rate_limit"`
	Pos       Pos        `yaml:"-"`
}

// Receiver kind names, as returned by Receiver.Kind.
const (
	KindWebhook  = "webhook"
	KindWeCom    = "wecom"
	KindDingTalk = "dingtalk"
	KindFeishu   = "feishu"
	KindEmail    = "email"
	KindNATS     = "nats"
	KindLog      = "log"
)

// kinds lists the kinds that are set, in a fixed order.
func (r Receiver) kinds() []string {
	var out []string
	for _, k := range []struct {
		name string
		set  bool
	}{
		{KindWebhook, r.Webhook != nil}, {KindWeCom, r.WeCom != nil}, {KindDingTalk, r.DingTalk != nil},
		{KindFeishu, r.Feishu != nil}, {KindEmail, r.Email != nil}, {KindNATS, r.NATS != nil}, {KindLog, r.Log != nil},
	} {
		if k.set {
			out = append(out, k.name)
		}
	}
	return out
}

// Kind returns the name of the receiver kind that is set ("" when none is,
// the first one when several are).
func (r Receiver) Kind() string {
	if ks := r.kinds(); len(ks) > 0 {
		return ks[0]
	}
	return ""
}

// RateLimit bounds how many messages a destination is sent: at most
// PerMinute in any 60 seconds and at most PerSecond in any second. Zero
// leaves that window unbounded.
type RateLimit struct {
	PerMinute int `yaml:"per_minute"`
	PerSecond int `yaml:"per_second"`
}

// WebhookSpec posts alerts as JSON, signed with HMAC-SHA256.
type WebhookSpec struct {
	URL Secret `yaml:"url"`
	// Secret signs the body: header X-Yuqing-Signature: sha256=<hex>.
	Secret     Secret            `yaml:"secret"`
	SecretFile string            `yaml:"secret_file"`
	Timeout    Duration          `yaml:"timeout"`
	Headers    map[string]string `yaml:"headers"`
	// Format is "yuqing" (default: our own payload) or "alertmanager"
	// (Alertmanager's webhook payload, version 4, for existing bridges).
	Format string `yaml:"format"`
}

// Webhook payload formats.
const (
	WebhookFormatYuqing       = "yuqing"
	WebhookFormatAlertmanager = "alertmanager"
)

// WeComSpec sends to a WeCom (企业微信 / 政务微信) group robot.
type WeComSpec struct {
	// BaseURL of the API (default https://qyapi.weixin.qq.com); set it for
	// a private 政务微信 server.
	BaseURL string `yaml:"base_url"`
	// Key is the key= value of the robot's webhook address.
	Key     Secret `yaml:"key"`
	KeyFile string `yaml:"key_file"`
	// MentionedMobiles are @-mentioned ("@all" for everyone) in a short
	// text message after the markdown one, which cannot mention.
	MentionedMobiles []string `yaml:"mentioned_mobiles"`
	Timeout          Duration `yaml:"timeout"`
}

// DingTalkSpec sends to a DingTalk (钉钉 / 专有钉钉) custom robot.
type DingTalkSpec struct {
	// BaseURL of the API (default https://oapi.dingtalk.com); set it for
	// a private 专有钉钉 server.
	BaseURL string `yaml:"base_url"`
	// AccessToken is the access_token= value of the robot's address.
	AccessToken     Secret `yaml:"access_token"`
	AccessTokenFile string `yaml:"access_token_file"`
	// Secret is the 加签 secret (SEC…); empty when the robot does not sign.
	Secret     Secret   `yaml:"secret"`
	SecretFile string   `yaml:"secret_file"`
	AtMobiles  []string `yaml:"at_mobiles"`
	AtAll      bool     `yaml:"at_all"`
	Timeout    Duration `yaml:"timeout"`
}

// FeishuSpec sends to a Feishu (飞书) / Lark custom bot.
type FeishuSpec struct {
	// BaseURL of the API (default https://open.feishu.cn; Lark:
	// https://open.larksuite.com; or a private instance).
	BaseURL string `yaml:"base_url"`
	// Token is the last path element of the bot's address (…/hook/TOKEN).
	Token     Secret `yaml:"token"`
	TokenFile string `yaml:"token_file"`
	// Secret is the signature secret (签名校验); empty when not enabled.
	Secret     Secret `yaml:"secret"`
	SecretFile string `yaml:"secret_file"`
	// Format is "card" (default: an interactive card) or "text".
	Format  string   `yaml:"format"`
	Timeout Duration `yaml:"timeout"`
}

// Feishu message formats.
const (
	FeishuFormatCard = "card"
	FeishuFormatText = "text"
)

// EmailSpec sends alerts by SMTP as HTML with a plain-text alternative.
type EmailSpec struct {
	Host string `yaml:"host"`
	// Port defaults to 587 (starttls), 465 (tls) or 25 (none).
	Port int `yaml:"port"`
	// TLS is "starttls" (default; required), "tls" (implicit TLS, SMTPS),
	// "opportunistic" (STARTTLS when offered) or "none".
	TLS string `yaml:"tls"`
	// CAFile is a PEM bundle to trust instead of the system roots (a
	// government CA).
	CAFile       string   `yaml:"ca_file"`
	Username     string   `yaml:"username"`
	Password     Secret   `yaml:"password"`
	PasswordFile string   `yaml:"password_file"`
	From         string   `yaml:"from"`
	To           []string `yaml:"to"`
	Timeout      Duration `yaml:"timeout"`
}

// Email TLS modes.
const (
	EmailTLSStartTLS      = "starttls"
	EmailTLSImplicit      = "tls"
	EmailTLSOpportunistic = "opportunistic"
	EmailTLSNone          = "none"
)

// NATSSpec publishes alerts on the bus, one subject per department
// (<namespace>.alerts.<department>).
type NATSSpec struct{}

// LogSpec writes alerts to the process log.
type LogSpec struct{}

// ReadSecret returns the secret given inline or, when file is set, read
// from that file (surrounding white space trimmed). Setting both is an
// error, and so is an empty file; neither set gives "".
func ReadSecret(inline Secret, file string) (string, error) {
	switch {
	case inline != "" && file != "":
		return "", errors.New("set the value or its _file, not both")
	case file == "":
		return inline.Reveal(), nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", file, err)
	}
	v := bytes.TrimSpace(data)
	if len(v) == 0 {
		return "", fmt.Errorf("%s is empty", file)
	}
	return string(v), nil
}

// mobile is a mainland mobile number, optionally with +86, or "@all".
var mobile = regexp.MustCompile(`^(\+?86-?)?1[3-9][0-9]{9}$`)

func (l *loader) validateReceiver(r Receiver, i int) {
	v := receiverCheck{l: l, name: r.Name, index: i}
	kinds := r.kinds()
	if len(kinds) != 1 {
		l.departments.problem(&l.problems, fmt.Sprintf("receiver %s must have exactly one kind (webhook, wecom, dingtalk, feishu, email, nats or log), has %d", r.Name, len(kinds)), "receivers", i)
	}
	// Every kind present is checked, so that all problems show at once.
	if r.Webhook != nil {
		v.webhook(r.Webhook)
	}
	if r.WeCom != nil {
		v.wecom(r.WeCom)
	}
	if r.DingTalk != nil {
		v.dingtalk(r.DingTalk)
	}
	if r.Feishu != nil {
		v.feishu(r.Feishu)
	}
	if r.Email != nil {
		v.email(r.Email)
	}
	v.rateLimit(r.Kind(), r.RateLimit)
}

// receiverCheck reports the problems of one receiver at their lines.
type receiverCheck struct {
	l     *loader
	name  string
	index int
}

func (v receiverCheck) problem(msg string, path ...any) {
	v.l.departments.problem(&v.l.problems, fmt.Sprintf("receiver %s: %s", v.name, msg),
		append([]any{"receivers", v.index}, path...)...)
}

// pair checks an inline secret and its _file variant; required says one of
// them must be set.
func (v receiverCheck) pair(kind, key string, inline Secret, file string, required bool) {
	switch {
	case inline != "" && file != "":
		v.problem(fmt.Sprintf("set %s.%s or %s.%s_file, not both", kind, key, kind, key), kind, key)
	case required && inline == "" && file == "":
		v.problem(fmt.Sprintf("%s.%s (or %s_file) is required", kind, key, key), kind)
	}
}

func (v receiverCheck) baseURL(kind, u string) {
	if u != "" && !validHTTPURL(u) {
		v.problem(fmt.Sprintf("%s.base_url %q: want an http(s) URL", kind, u), kind, "base_url")
	}
}

func (v receiverCheck) webhook(s *WebhookSpec) {
	if !validHTTPURL(s.URL.Reveal()) {
		v.problem("webhook url must be an http(s) URL", "webhook", "url")
	}
	v.pair(KindWebhook, "secret", s.Secret, s.SecretFile, false)
	if !oneOf(s.Format, "", WebhookFormatYuqing, WebhookFormatAlertmanager) {
		v.problem(fmt.Sprintf("webhook.format %q: want yuqing or alertmanager", s.Format), "webhook", "format")
	}
}

func (v receiverCheck) wecom(s *WeComSpec) {
	v.baseURL(KindWeCom, s.BaseURL)
	v.pair(KindWeCom, "key", s.Key, s.KeyFile, true)
	for j, m := range s.MentionedMobiles {
		if m != "@all" && !mobile.MatchString(m) {
			v.problem(fmt.Sprintf("wecom.mentioned_mobiles: %q is not a mobile number or @all", m), "wecom", "mentioned_mobiles", j)
		}
	}
}

func (v receiverCheck) dingtalk(s *DingTalkSpec) {
	v.baseURL(KindDingTalk, s.BaseURL)
	v.pair(KindDingTalk, "access_token", s.AccessToken, s.AccessTokenFile, true)
	v.pair(KindDingTalk, "secret", s.Secret, s.SecretFile, false)
	for j, m := range s.AtMobiles {
		if !mobile.MatchString(m) {
			v.problem(fmt.Sprintf("dingtalk.at_mobiles: %q is not a mobile number", m), "dingtalk", "at_mobiles", j)
		}
	}
}

func (v receiverCheck) feishu(s *FeishuSpec) {
	v.baseURL(KindFeishu, s.BaseURL)
	v.pair(KindFeishu, "token", s.Token, s.TokenFile, true)
	v.pair(KindFeishu, "secret", s.Secret, s.SecretFile, false)
	if !oneOf(s.Format, "", FeishuFormatCard, FeishuFormatText) {
		v.problem(fmt.Sprintf("feishu.format %q: want card or text", s.Format), "feishu", "format")
	}
}

func (v receiverCheck) email(s *EmailSpec) {
	if s.Host == "" || strings.ContainsAny(s.Host, " /:") {
		v.problem(fmt.Sprintf("email.host %q: want a host name or address, without port", s.Host), "email", "host")
	}
	if s.Port < 0 || s.Port > 65535 {
		v.problem(fmt.Sprintf("email.port %d: want 1-65535", s.Port), "email", "port")
	}
	if !oneOf(s.TLS, "", EmailTLSStartTLS, EmailTLSImplicit, EmailTLSOpportunistic, EmailTLSNone) {
		v.problem(fmt.Sprintf("email.tls %q: want starttls, tls, opportunistic or none", s.TLS), "email", "tls")
	}
	v.pair(KindEmail, "password", s.Password, s.PasswordFile, false)
	if s.Username == "" && (s.Password != "" || s.PasswordFile != "") {
		v.problem("email.password is set without email.username", "email", "username")
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		v.problem(fmt.Sprintf("email.from %q: not an address", s.From), "email", "from")
	}
	if len(s.To) == 0 {
		v.problem("email.to lists no recipient", "email")
	}
	for j, to := range s.To {
		if _, err := mail.ParseAddress(to); err != nil {
			v.problem(fmt.Sprintf("email.to %q: not an address", to), "email", "to", j)
		}
	}
}

func (v receiverCheck) rateLimit(kind string, r *RateLimit) {
	if r == nil {
		return
	}
	switch {
	case kind == KindLog || kind == KindNATS:
		v.problem(fmt.Sprintf("rate_limit does not apply to a %s receiver", kind), "rate_limit")
	case r.PerMinute < 0 || r.PerSecond < 0:
		v.problem("rate_limit values must not be negative", "rate_limit")
	case r.PerMinute == 0 && r.PerSecond == 0 && oneOf(kind, KindWeCom, KindDingTalk, KindFeishu):
		// The robots block a sender that exceeds their limit (DingTalk for
		// ten minutes): sending to one without a limit is never right.
		v.problem(fmt.Sprintf("rate_limit of a %s robot needs per_minute or per_second", kind), "rate_limit")
	}
}
