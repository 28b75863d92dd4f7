// Package wecom delivers alerts to a WeCom (企业微信, or a private 政务微信)
// group robot.
//
// Each alert is one markdown message (4096 bytes at most; longer ones are
// split and numbered). Markdown cannot @-mention, so when mentions are
// configured a short text message with mentioned_mobile_list follows it.
// A digest is one text message (2048 bytes) carrying the mentions itself,
// so that it takes a single token of the robot's 20 a minute.
//
// The robot answers HTTP 200 whatever happens; the outcome is the errcode
// of the body: 0 is success, 45009 means we are sending too fast (wait a
// minute), 93000 (bad key) and request errors are final, anything else is
// retried.
package wecom

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/internal/robot"
	"github.com/yuqing/yuqing/alert/notify/message"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// API facts.
const (
	DefaultBaseURL = "https://qyapi.weixin.qq.com"
	SendPath       = "/cgi-bin/webhook/send"
	MarkdownLimit  = 4096
	TextLimit      = 2048
)

// DefaultRateLimit is the robot's documented limit.
func DefaultRateLimit() []alert.Window {
	return []alert.Window{{Limit: 20, Per: time.Minute}}
}

// Options are the shared dependencies of WeCom receivers.
type Options = robot.Options

// Notifier posts to one robot. It implements alert.Notifier,
// alert.RateLimited, alert.Digester and alert.ReportSender.
type Notifier struct {
	target   string
	mentions []string
	loc      *time.Location
	console  string
	poster   robot.Poster
}

// New builds the receiver called name. The key comes from spec.Key or is
// read now from spec.KeyFile.
func New(name string, spec config.WeComSpec, o Options) (*Notifier, error) {
	base, err := robot.BaseURL(spec.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, fmt.Errorf("wecom: new receiver %s: %w", name, err)
	}
	key, err := robot.Credential(spec.Key, spec.KeyFile, "key")
	if err != nil {
		return nil, fmt.Errorf("wecom: new receiver %s: %w", name, err)
	}
	n := &Notifier{
		target:   base + SendPath + "?key=" + url.QueryEscape(key),
		mentions: spec.MentionedMobiles,
		loc:      o.Location,
		console:  o.ConsoleURL,
		poster: robot.Poster{Kind: "wecom", Name: name, Client: o.HTTPClient, Timeout: spec.Timeout.D(),
			UserAgent: o.UserAgent, Now: o.Now, Sleep: o.Sleep, Limiter: o.Limiter},
	}
	n.poster.Defaults()
	if n.loc == nil {
		n.loc = message.Beijing()
	}
	return n, nil
}

// Destination identifies the robot for sharing a rate limiter.
func (n *Notifier) Destination() string { return n.target }

// Budget implements alert.RateLimited.
func (n *Notifier) Budget(now time.Time) (int, time.Time) { return n.poster.Budget(now) }

// Notify sends a as markdown, then the mentions if any.
func (n *Notifier) Notify(ctx context.Context, a model.Alert) (bool, error) {
	m := message.Build(a, n.poster.Now(), n.loc)
	var parts []robot.Request
	for _, p := range message.Split(message.Markdown(m, message.WeCom), MarkdownLimit, nil) {
		parts = append(parts, n.markdown(p))
	}
	if len(n.mentions) > 0 {
		note := message.Truncate("请及时处置："+m.HeadLine()+"｜"+m.Title, 500)
		parts = append(parts, n.text(note, n.mentions))
	}
	return n.poster.Send(ctx, parts, judge)
}

// NotifyDigest sends the entries as one text message with the mentions.
func (n *Notifier) NotifyDigest(ctx context.Context, entries []alert.DigestEntry) (bool, error) {
	d := message.BuildDigest(alerts(entries), n.poster.Now(), n.loc, n.console)
	return n.poster.Send(ctx, []robot.Request{n.text(message.DigestText(d, TextLimit, nil), n.mentions)}, judge)
}

// SendReport announces a report as markdown: title, summary, link.
func (n *Notifier) SendReport(ctx context.Context, r model.ReportNotice) error {
	var parts []robot.Request
	for _, p := range message.Split(message.ReportMarkdown(r, message.WeCom), MarkdownLimit, nil) {
		parts = append(parts, n.markdown(p))
	}
	return n.poster.WaitDeferred(ctx, 2*time.Minute, func() error {
		_, err := n.poster.Send(ctx, parts, judge)
		return err
	})
}

func alerts(entries []alert.DigestEntry) []model.Alert {
	out := make([]model.Alert, len(entries))
	for i, e := range entries {
		out[i] = e.Alert
	}
	return out
}

// Markdown and text bodies of the API.
type (
	markdownBody struct {
		MsgType  string `json:"msgtype"`
		Markdown struct {
			Content string `json:"content"`
		} `json:"markdown"`
	}
	textBody struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content             string   `json:"content"`
			MentionedMobileList []string `json:"mentioned_mobile_list,omitempty"`
		} `json:"text"`
	}
)

func (n *Notifier) markdown(content string) robot.Request {
	return func(time.Time) (string, []byte, error) {
		var b markdownBody
		b.MsgType, b.Markdown.Content = "markdown", content
		body, err := robot.JSON(b)
		return n.target, body, err
	}
}

func (n *Notifier) text(content string, mentions []string) robot.Request {
	return func(time.Time) (string, []byte, error) {
		var b textBody
		b.MsgType, b.Text.Content, b.Text.MentionedMobileList = "text", content, mentions
		body, err := robot.JSON(b)
		return n.target, body, err
	}
}

// Answer is the robot's reply.
type Answer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// Error codes the robot documents.
const (
	CodeOK          = 0
	CodeBusy        = -1
	CodeRateLimited = 45009
	CodeBadKey      = 93000
	CodeTooLong     = 40058
)

// permanent codes: a bad key, a robot removed from its group, a request
// we built wrong. Retrying cannot change them.
var permanent = map[int]bool{
	CodeBadKey: true, 93004: true, 93008: true, CodeTooLong: true,
	40008: true, 40035: true, 44004: true, 40001: true, 40014: true,
}

func judge(status int, body []byte) robot.Verdict {
	var ans Answer
	if err := json.Unmarshal(body, &ans); err != nil {
		if status/100 != 2 {
			return robot.StatusVerdict(status, body)
		}
		return robot.Verdict{Err: fmt.Errorf("unreadable answer: %q", robot.Snippet(body)), Retry: true}
	}
	err := fmt.Errorf("errcode %d: %s", ans.ErrCode, ans.ErrMsg)
	switch {
	case ans.ErrCode == CodeOK && status/100 == 2:
		return robot.Verdict{}
	case ans.ErrCode == CodeOK:
		return robot.StatusVerdict(status, body)
	case ans.ErrCode == CodeRateLimited:
		return robot.Verdict{Err: err, Retry: true, Throttle: time.Minute}
	case permanent[ans.ErrCode]:
		return robot.Verdict{Err: err}
	}
	return robot.Verdict{Err: err, Retry: true}
}
