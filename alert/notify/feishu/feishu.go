// Package feishu delivers alerts to a Feishu (飞书) / Lark custom bot.
//
// By default an alert is an interactive card: the header names the kind
// and the tier in the tier's colour, the body is lark_md, and the actions
// (签收 / 回应 / 误报) are buttons. Format "text" sends plain text. With
// signature verification on, every body carries timestamp (Unix seconds)
// and sign = base64(HMAC-SHA256(key=timestamp+"\n"+secret, msg="")).
//
// The bot answers with {"code":0,"msg":"success"} on success, and a code
// otherwise, often with HTTP 200: 11232 means we are sending too fast
// (wait a minute); 19021 (signature or clock), 19022 (IP), 19024
// (keyword) and request errors are final; anything else is retried.
package feishu

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/internal/robot"
	"github.com/yuqing/yuqing/alert/notify/message"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// API facts.
const (
	DefaultBaseURL = "https://open.feishu.cn"
	HookPath       = "/open-apis/bot/v2/hook/"
	// BodyLimit is the largest request body the bot takes.
	BodyLimit = 20 << 10
	// textLimit leaves room in BodyLimit for the envelope and signature.
	textLimit = BodyLimit - 1024
)

// DefaultRateLimit is the bot's documented limit: 100 a minute, 5 a second.
func DefaultRateLimit() []alert.Window {
	return []alert.Window{{Limit: 100, Per: time.Minute}, {Limit: 5, Per: time.Second}}
}

// Options are the shared dependencies of Feishu receivers.
type Options = robot.Options

// Notifier posts to one bot. It implements alert.Notifier,
// alert.RateLimited, alert.Digester and alert.ReportSender.
type Notifier struct {
	target  string
	secret  []byte
	text    bool
	loc     *time.Location
	console string
	poster  robot.Poster
}

// New builds the receiver called name.
func New(name string, spec config.FeishuSpec, o Options) (*Notifier, error) {
	fail := func(err error) error { return fmt.Errorf("feishu: new receiver %s: %w", name, err) }
	base, err := robot.BaseURL(spec.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, fail(err)
	}
	token, err := robot.Credential(spec.Token, spec.TokenFile, "token")
	if err != nil {
		return nil, fail(err)
	}
	secret, err := config.ReadSecret(spec.Secret, spec.SecretFile)
	if err != nil {
		return nil, fail(fmt.Errorf("secret: %w", err))
	}
	if spec.Format != "" && spec.Format != config.FeishuFormatCard && spec.Format != config.FeishuFormatText {
		return nil, fail(fmt.Errorf("format %q: want card or text", spec.Format))
	}
	n := &Notifier{
		target:  base + HookPath + url.PathEscape(token),
		secret:  []byte(secret),
		text:    spec.Format == config.FeishuFormatText,
		loc:     o.Location,
		console: o.ConsoleURL,
		poster: robot.Poster{Kind: "feishu", Name: name, Client: o.HTTPClient, Timeout: spec.Timeout.D(),
			UserAgent: o.UserAgent, Now: o.Now, Sleep: o.Sleep, Limiter: o.Limiter},
	}
	n.poster.Defaults()
	if n.loc == nil {
		n.loc = message.Beijing()
	}
	return n, nil
}

// Destination identifies the bot for sharing a rate limiter.
func (n *Notifier) Destination() string { return n.target }

// Budget implements alert.RateLimited.
func (n *Notifier) Budget(now time.Time) (int, time.Time) { return n.poster.Budget(now) }

// Notify sends a as a card (or text).
func (n *Notifier) Notify(ctx context.Context, a model.Alert) (bool, error) {
	m := message.Build(a, n.poster.Now(), n.loc)
	if n.text {
		return n.sendText(ctx, message.Text(m))
	}
	c := newCard(m.HeadLine(), message.LarkColor(m.Severity), message.MarkdownBody(m, message.Lark, false), buttons(m.Actions))
	return n.sendCard(ctx, c, func() string { return message.Text(m) })
}

// NotifyDigest sends the entries as one card (or text) listing what fits.
func (n *Notifier) NotifyDigest(ctx context.Context, entries []alert.DigestEntry) (bool, error) {
	as := make([]model.Alert, len(entries))
	for i, e := range entries {
		as[i] = e.Alert
	}
	d := message.BuildDigest(as, n.poster.Now(), n.loc, n.console)
	if n.text {
		return n.sendText(ctx, message.DigestText(d, textLimit, message.JSONSize))
	}
	body := message.DigestMarkdown(d, message.Lark, textLimit, message.JSONSize)
	color := "grey"
	if len(d.Items) > 0 {
		color = message.LarkColor(d.Items[0].Severity)
	}
	c := newCard(d.Title(), color, body, nil)
	return n.sendCard(ctx, c, func() string { return message.DigestText(d, textLimit, message.JSONSize) })
}

// SendReport announces a report: a card with the summary and a button to
// the whole report (or text).
func (n *Notifier) SendReport(ctx context.Context, r model.ReportNotice) error {
	return n.poster.WaitDeferred(ctx, 2*time.Minute, func() error {
		if n.text {
			_, err := n.sendText(ctx, message.ReportText(r))
			return err
		}
		var bs []button
		if r.URL != "" {
			bs = buttons([]model.Action{{Name: "view", Label: "查看完整报告", URL: r.URL}})
		}
		c := newCard(r.Title, "blue", r.Summary, bs)
		_, err := n.sendCard(ctx, c, func() string { return message.ReportText(r) })
		return err
	})
}

// sendCard posts c, or the text fallback in parts when the card would
// exceed the body limit.
func (n *Notifier) sendCard(ctx context.Context, c card, fallback func() string) (bool, error) {
	probe, err := robot.JSON(envelope{MsgType: "interactive", Card: &c, Timestamp: "0000000000", Sign: n.signature("0")})
	if err != nil {
		return false, n.poster.Errorf("encode card: %w", err)
	}
	if len(probe) > BodyLimit {
		return n.sendText(ctx, fallback())
	}
	return n.poster.Send(ctx, []robot.Request{n.request(envelope{MsgType: "interactive", Card: &c})}, judge)
}

func (n *Notifier) sendText(ctx context.Context, text string) (bool, error) {
	var parts []robot.Request
	for _, p := range message.Split(text, textLimit, message.JSONSize) {
		parts = append(parts, n.request(envelope{MsgType: "text", Content: &textContent{Text: p}}))
	}
	return n.poster.Send(ctx, parts, judge)
}

// envelope is the request body.
type envelope struct {
	Timestamp string       `json:"timestamp,omitempty"`
	Sign      string       `json:"sign,omitempty"`
	MsgType   string       `json:"msg_type"`
	Content   *textContent `json:"content,omitempty"`
	Card      *card        `json:"card,omitempty"`
}

type textContent struct {
	Text string `json:"text"`
}

func (n *Notifier) request(e envelope) robot.Request {
	return func(now time.Time) (string, []byte, error) {
		if len(n.secret) > 0 {
			e.Timestamp = strconv.FormatInt(now.Unix(), 10)
			e.Sign = n.signature(e.Timestamp)
		}
		body, err := robot.JSON(e)
		return n.target, body, err
	}
}

func (n *Notifier) signature(ts string) string {
	if len(n.secret) == 0 {
		return ""
	}
	return Sign(n.secret, ts)
}

// Sign returns the signature of timestamp (Unix seconds as text):
// base64(HMAC-SHA256(key=timestamp+"\n"+secret, msg="")).
func Sign(secret []byte, timestamp string) string {
	h := hmac.New(sha256.New, append([]byte(timestamp+"\n"), secret...))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// Answer is the bot's reply. Older deployments answer StatusCode and
// StatusMessage instead of code and msg.
type Answer struct {
	Code          int    `json:"code"`
	Msg           string `json:"msg"`
	StatusCode    int    `json:"StatusCode,omitempty"`
	StatusMessage string `json:"StatusMessage,omitempty"`
}

// Error codes the bot documents.
const (
	CodeOK          = 0
	CodeRateLimited = 11232
	CodeBadSign     = 19021
	CodeIPDenied    = 19022
	CodeKeyword     = 19024
)

var permanent = map[int]bool{
	CodeBadSign: true, CodeIPDenied: true, CodeKeyword: true,
	9499: true, 19001: true, 19002: true, 19007: true,
}

func judge(status int, body []byte) robot.Verdict {
	var ans Answer
	if err := json.Unmarshal(body, &ans); err != nil {
		if status/100 != 2 {
			return robot.StatusVerdict(status, body)
		}
		return robot.Verdict{Err: fmt.Errorf("unreadable answer: %q", robot.Snippet(body)), Retry: true}
	}
	code, msg := ans.Code, ans.Msg
	if code == 0 && ans.StatusCode != 0 {
		code, msg = ans.StatusCode, ans.StatusMessage
	}
	err := fmt.Errorf("code %d: %s", code, msg)
	switch {
	case code == CodeOK && status/100 == 2:
		return robot.Verdict{}
	case code == CodeOK:
		return robot.StatusVerdict(status, body)
	case code == CodeRateLimited:
		return robot.Verdict{Err: err, Retry: true, Throttle: time.Minute}
	case permanent[code]:
		return robot.Verdict{Err: err}
	}
	return robot.Verdict{Err: err, Retry: true}
}
