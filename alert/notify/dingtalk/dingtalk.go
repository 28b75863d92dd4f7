// Package dingtalk delivers alerts to a DingTalk (钉钉, or a private 专有钉钉)
// custom robot.
//
// Each alert is one markdown message; the mobiles to @-mention are named
// both in "at" and at the end of the text, where DingTalk requires them.
// With 加签 every request carries timestamp (Unix ms) and sign =
// base64(HMAC-SHA256(key=secret, msg=timestamp+"\n"+secret)), URL-encoded in
// the query. The robot blocks a sender for ten minutes once it exceeds 20
// messages a minute; the shared limiter keeps us under that.
//
// The robot answers HTTP 200 whatever happens: errcode 0 is success;
// 130101 and 410100 mean we are sending too fast (wait ten minutes, the
// length of the block); 310000 is a security setting refusing us
// (keyword, signature, IP whitelist, as errmsg says) and 300001/300005 a
// bad token, both final; anything else is retried.
package dingtalk

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/internal/robot"
	"github.com/yuqing/yuqing/alert/notify/message"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// API facts.
const (
	DefaultBaseURL = "https://oapi.dingtalk.com"
	SendPath       = "/robot/send"
	// TextLimit is what we allow the markdown text, measured as JSON:
	// DingTalk takes about 20000 bytes, the rest of the body is envelope.
	TextLimit = 18000
	// blockTime is how long DingTalk blocks a robot that sent too fast.
	blockTime = 10 * time.Minute
)

// DefaultRateLimit is the robot's documented limit.
func DefaultRateLimit() []alert.Window {
	return []alert.Window{{Limit: 20, Per: time.Minute}}
}

// Options are the shared dependencies of DingTalk receivers.
type Options = robot.Options

// Notifier posts to one robot. It implements alert.Notifier,
// alert.RateLimited, alert.Digester and alert.ReportSender.
type Notifier struct {
	endpoint string
	secret   []byte
	mobiles  []string
	atAll    bool
	loc      *time.Location
	console  string
	poster   robot.Poster
}

// New builds the receiver called name; the token and the secret come from
// the spec or are read now from their files.
func New(name string, spec config.DingTalkSpec, o Options) (*Notifier, error) {
	fail := func(err error) error { return fmt.Errorf("dingtalk: new receiver %s: %w", name, err) }
	base, err := robot.BaseURL(spec.BaseURL, DefaultBaseURL)
	if err != nil {
		return nil, fail(err)
	}
	token, err := robot.Credential(spec.AccessToken, spec.AccessTokenFile, "access_token")
	if err != nil {
		return nil, fail(err)
	}
	secret, err := config.ReadSecret(spec.Secret, spec.SecretFile)
	if err != nil {
		return nil, fail(fmt.Errorf("secret: %w", err))
	}
	n := &Notifier{
		endpoint: base + SendPath + "?access_token=" + url.QueryEscape(token),
		secret:   []byte(secret),
		mobiles:  spec.AtMobiles,
		atAll:    spec.AtAll,
		loc:      o.Location,
		console:  o.ConsoleURL,
		poster: robot.Poster{Kind: "dingtalk", Name: name, Client: o.HTTPClient, Timeout: spec.Timeout.D(),
			UserAgent: o.UserAgent, Now: o.Now, Sleep: o.Sleep, Limiter: o.Limiter},
	}
	n.poster.Defaults()
	if n.loc == nil {
		n.loc = message.Beijing()
	}
	return n, nil
}

// Destination identifies the robot for sharing a rate limiter.
func (n *Notifier) Destination() string { return n.endpoint }

// Budget implements alert.RateLimited.
func (n *Notifier) Budget(now time.Time) (int, time.Time) { return n.poster.Budget(now) }

// Notify sends a as markdown.
func (n *Notifier) Notify(ctx context.Context, a model.Alert) (bool, error) {
	m := message.Build(a, n.poster.Now(), n.loc)
	title := message.Truncate(m.Heading+"："+m.Title, 40)
	return n.send(ctx, title, message.Markdown(m, message.DingTalk))
}

// NotifyDigest sends the entries as one markdown message.
func (n *Notifier) NotifyDigest(ctx context.Context, entries []alert.DigestEntry) (bool, error) {
	as := make([]model.Alert, len(entries))
	for i, e := range entries {
		as[i] = e.Alert
	}
	d := message.BuildDigest(as, n.poster.Now(), n.loc, n.console)
	limit := TextLimit - message.JSONSize(n.atLine())
	return n.send(ctx, d.Title(), message.DigestMarkdown(d, message.DingTalk, limit, message.JSONSize))
}

// SendReport announces a report: title, summary, link.
func (n *Notifier) SendReport(ctx context.Context, r model.ReportNotice) error {
	return n.poster.WaitDeferred(ctx, 2*time.Minute, func() error {
		_, err := n.send(ctx, message.Truncate(r.Title, 40), message.ReportMarkdown(r, message.DingTalk))
		return err
	})
}

func (n *Notifier) send(ctx context.Context, title, text string) (bool, error) {
	at := n.atLine()
	var parts []robot.Request
	for _, p := range message.Split(text, TextLimit-message.JSONSize(at), message.JSONSize) {
		parts = append(parts, n.request(title, p+at))
	}
	return n.poster.Send(ctx, parts, judge)
}

// atLine is what the text must contain for the mentions to work.
func (n *Notifier) atLine() string {
	if len(n.mobiles) == 0 {
		return ""
	}
	return "\n\n@" + strings.Join(n.mobiles, " @")
}

type body struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
	At struct {
		AtMobiles []string `json:"atMobiles,omitempty"`
		IsAtAll   bool     `json:"isAtAll,omitempty"`
	} `json:"at"`
}

func (n *Notifier) request(title, text string) robot.Request {
	return func(now time.Time) (string, []byte, error) {
		var b body
		b.MsgType, b.Markdown.Title, b.Markdown.Text = "markdown", title, text
		b.At.AtMobiles, b.At.IsAtAll = n.mobiles, n.atAll
		data, err := robot.JSON(b)
		if err != nil {
			return "", nil, err
		}
		target := n.endpoint
		if len(n.secret) > 0 {
			ts := strconv.FormatInt(now.UnixMilli(), 10)
			target += "&timestamp=" + ts + "&sign=" + url.QueryEscape(Sign(n.secret, ts))
		}
		return target, data, nil
	}
}

// Sign returns the 加签 signature of timestamp (Unix ms as text):
// base64(HMAC-SHA256(key=secret, msg=timestamp+"\n"+secret)).
func Sign(secret []byte, timestamp string) string {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(timestamp + "\n"))
	h.Write(secret)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// Answer is the robot's reply.
type Answer struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// Error codes the robot documents.
const (
	CodeOK        = 0
	CodeBusy      = -1
	CodeThrottled = 130101
	CodeSecurity  = 310000
	CodeBadToken  = 300005
)

var (
	throttled = map[int]bool{CodeThrottled: true, 410100: true}
	permanent = map[int]bool{CodeSecurity: true, CodeBadToken: true, 300001: true, 400013: true, 40035: true, 43004: true}
)

func judge(status int, data []byte) robot.Verdict {
	var ans Answer
	if err := json.Unmarshal(data, &ans); err != nil {
		if status/100 != 2 {
			return robot.StatusVerdict(status, data)
		}
		return robot.Verdict{Err: fmt.Errorf("unreadable answer: %q", robot.Snippet(data)), Retry: true}
	}
	err := fmt.Errorf("errcode %d: %s", ans.ErrCode, ans.ErrMsg)
	switch {
	case ans.ErrCode == CodeOK && status/100 == 2:
		return robot.Verdict{}
	case ans.ErrCode == CodeOK:
		return robot.StatusVerdict(status, data)
	case throttled[ans.ErrCode] || strings.Contains(strings.ToLower(ans.ErrMsg), "too fast"):
		return robot.Verdict{Err: err, Retry: true, Throttle: blockTime}
	case permanent[ans.ErrCode]:
		return robot.Verdict{Err: err}
	}
	return robot.Verdict{Err: err, Retry: true}
}
