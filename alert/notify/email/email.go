// Package email delivers alerts by SMTP through github.com/wneessen/go-mail:
// one message per alert, HTML with a plain-text alternative. A digest is
// one message listing every merged alert; a report is its HTML body with
// its charts as inline images and the PDF attached.
//
// The Message-ID of an alert is derived from its delivery id, so a mail
// system that keeps ids can drop the repeat of a retried delivery. SMTP
// answers 4xx (and network failures) are retried, 5xx are final.
package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"os"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
	gosmtp "github.com/wneessen/go-mail/smtp"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/message"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// DefaultTimeout bounds one SMTP session.
const DefaultTimeout = 30 * time.Second

// Options are the shared dependencies of email receivers.
type Options struct {
	Now func() time.Time
	// Limiter bounds messages to the server (nil: none).
	Limiter    *alert.Limiter
	Location   *time.Location
	ConsoleURL string
}

// Notifier sends to the recipients of one receiver. It implements
// alert.Notifier, alert.RateLimited, alert.Digester and alert.ReportSender.
type Notifier struct {
	name    string
	spec    config.EmailSpec
	options []gomail.Option
	from    string
	domain  string
	now     func() time.Time
	limiter *alert.Limiter
	timeout time.Duration
	loc     *time.Location
	console string
}

// New builds the receiver called name; the password and the CA file are
// read now.
func New(name string, spec config.EmailSpec, o Options) (*Notifier, error) {
	fail := func(err error) error { return fmt.Errorf("email: new receiver %s: %w", name, err) }
	from, err := mail.ParseAddress(spec.From)
	if err != nil {
		return nil, fail(fmt.Errorf("from: %w", err))
	}
	if len(spec.To) == 0 {
		return nil, fail(errors.New("no recipient"))
	}
	opts, err := clientOptions(spec)
	if err != nil {
		return nil, fail(err)
	}
	n := &Notifier{name: name, spec: spec, options: opts, from: from.String(), now: o.Now,
		limiter: o.Limiter, timeout: spec.Timeout.D(), loc: o.Location, console: o.ConsoleURL}
	_, n.domain, _ = strings.Cut(from.Address, "@")
	if n.now == nil {
		n.now = time.Now
	}
	if n.timeout <= 0 {
		n.timeout = DefaultTimeout
	}
	if n.loc == nil {
		n.loc = message.Beijing()
	}
	return n, nil
}

func clientOptions(spec config.EmailSpec) ([]gomail.Option, error) {
	tlsConf := &tls.Config{ServerName: spec.Host, MinVersion: tls.VersionTLS12}
	if spec.CAFile != "" {
		pem, err := os.ReadFile(spec.CAFile)
		if err != nil {
			return nil, fmt.Errorf("ca_file: %w", err)
		}
		tlsConf.RootCAs = x509.NewCertPool()
		if !tlsConf.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("ca_file %s holds no PEM certificate", spec.CAFile)
		}
	}
	timeout := spec.Timeout.D()
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	opts := []gomail.Option{gomail.WithTLSConfig(tlsConf), gomail.WithTimeout(timeout)}
	port := spec.Port
	switch spec.TLS {
	case "", config.EmailTLSStartTLS:
		opts, port = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory)), orPort(port, 587)
	case config.EmailTLSOpportunistic:
		opts, port = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic)), orPort(port, 587)
	case config.EmailTLSImplicit:
		opts, port = append(opts, gomail.WithSSL()), orPort(port, 465)
	case config.EmailTLSNone:
		opts, port = append(opts, gomail.WithTLSPolicy(gomail.NoTLS)), orPort(port, 25)
	default:
		return nil, fmt.Errorf("tls %q: want starttls, tls, opportunistic or none", spec.TLS)
	}
	opts = append(opts, gomail.WithPort(port))
	password, err := config.ReadSecret(spec.Password, spec.PasswordFile)
	if err != nil {
		return nil, fmt.Errorf("password: %w", err)
	}
	if spec.Username != "" {
		// Over TLS the strongest mechanism the server offers; without TLS
		// only PLAIN, which go-mail then allows to localhost alone.
		auth := gomail.SMTPAuthAutoDiscover
		if spec.TLS == config.EmailTLSNone {
			auth = gomail.SMTPAuthPlain
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(spec.Username), gomail.WithPassword(password))
	}
	return opts, nil
}

func orPort(p, def int) int {
	if p > 0 {
		return p
	}
	return def
}

// Budget implements alert.RateLimited: unlimited without a limiter.
func (n *Notifier) Budget(now time.Time) (int, time.Time) {
	if n.limiter == nil {
		return 1 << 30, time.Time{}
	}
	return n.limiter.Budget(now)
}

// Notify sends a as one email.
func (n *Notifier) Notify(ctx context.Context, a model.Alert) (bool, error) {
	m := message.Build(a, n.now(), n.loc)
	subject := message.Subject(m)
	html, err := message.HTML(subject, []message.Message{m}, "")
	if err != nil {
		return false, n.errorf("%w", err)
	}
	id, _ := alert.DeliveryID(ctx)
	return n.send(ctx, subject, message.Text(m), html, n.messageID(id), nil)
}

// NotifyDigest sends the entries as one email.
func (n *Notifier) NotifyDigest(ctx context.Context, entries []alert.DigestEntry) (bool, error) {
	as := make([]model.Alert, len(entries))
	for i, e := range entries {
		as[i] = e.Alert
	}
	d := message.BuildDigest(as, n.now(), n.loc, n.console)
	subject := d.Title()
	html, err := message.HTML(subject, d.Items, "")
	if err != nil {
		return false, n.errorf("%w", err)
	}
	texts := []string{"【" + d.Title() + "】", d.Summary()}
	for _, m := range d.Items {
		texts = append(texts, message.Text(m))
	}
	return n.send(ctx, subject, strings.Join(texts, "\n\n"), html, n.messageID(entries[0].DeliveryID), nil)
}

// SendReport sends the report's HTML with its charts as inline images
// (multipart/related, each part named by the Content-ID the HTML's cid:
// URLs use) and its PDF attached.
func (n *Notifier) SendReport(ctx context.Context, r model.ReportNotice) error {
	html := string(r.HTML)
	if html == "" {
		h, err := message.HTML(r.Title, nil, r.Summary)
		if err != nil {
			return n.errorf("%w", err)
		}
		html = h
		r.Images = nil // nothing refers to them
	}
	_, err := n.send(ctx, r.Title, message.ReportText(r), html, "", &r)
	return err
}

func (n *Notifier) messageID(deliveryID int64) string {
	if deliveryID <= 0 || n.domain == "" {
		return ""
	}
	return fmt.Sprintf("yuqing-delivery-%d@%s", deliveryID, n.domain)
}

func (n *Notifier) send(ctx context.Context, subject, text, html, msgID string, report *model.ReportNotice) (bool, error) {
	now := n.now()
	if n.limiter != nil {
		res := n.limiter.Reserve(now, 1, n.timeout)
		if res.At[0].After(now) {
			res.Cancel(0)
			return true, &alert.DeferError{Until: res.At[0], Err: n.errorf("rate limit %v reached", n.limiter.Windows())}
		}
		defer func() { res.Sent(0, n.now()) }()
	}
	msg, err := n.compose(subject, text, html, msgID, now, report)
	if err != nil {
		return false, n.errorf("compose: %w", err)
	}
	client, err := gomail.NewClient(n.spec.Host, n.options...)
	if err != nil {
		return false, n.errorf("smtp client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, n.timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return retryable(err), n.errorf("%w", err)
	}
	return false, nil
}

func (n *Notifier) compose(subject, text, html, msgID string, now time.Time, report *model.ReportNotice) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8))
	if err := msg.From(n.from); err != nil {
		return nil, err
	}
	if err := msg.To(n.spec.To...); err != nil {
		return nil, err
	}
	msg.Subject(subject)
	msg.SetDateWithValue(now)
	if msgID != "" {
		msg.SetMessageIDWithValue(msgID)
	} else {
		msg.SetMessageID()
	}
	msg.SetGenHeader("X-Mailer", "yuqing")
	msg.SetBodyString(gomail.TypeTextPlain, text)
	msg.AddAlternativeString(gomail.TypeTextHTML, html)
	if report == nil {
		return msg, nil
	}
	for _, img := range report.Images {
		if err := msg.EmbedReader(img.Name, bytes.NewReader(img.Data),
			gomail.WithFileContentID("<"+img.ContentID+">"),
			gomail.WithFileContentType(gomail.ContentType(img.ContentType))); err != nil {
			return nil, fmt.Errorf("embed %s: %w", img.ContentID, err)
		}
	}
	if len(report.PDF) > 0 {
		if err := msg.AttachReader(report.Title+".pdf", bytes.NewReader(report.PDF),
			gomail.WithFileContentType(gomail.ContentType("application/pdf"))); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// retryable says whether a failed send may pass later: SMTP 4xx answers
// and network trouble may; 5xx answers, a refused login or a certificate
// we do not trust will not until someone changes something.
func retryable(err error) bool {
	if se, ok := errors.AsType[*gomail.SendError](err); ok {
		return se.IsTemp()
	}
	if te, ok := errors.AsType[*textproto.Error](err); ok {
		return te.Code < 500
	}
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	switch {
	case errors.Is(err, gosmtp.ErrUnencrypted), errors.As(err, &unknownCA), errors.As(err, &badHost),
		errors.Is(err, gomail.ErrNoSupportedAuthDiscovered), errors.Is(err, gomail.ErrPlainAuthNotSupported):
		return false
	case strings.Contains(err.Error(), "does not support STARTTLS"):
		// go-mail has no sentinel for a server that does not offer the
		// STARTTLS we require: a setting to fix, not a passing fault.
		return false
	}
	return true
}

func (n *Notifier) errorf(format string, args ...any) error {
	return fmt.Errorf("email: send to %s: %w", n.name, fmt.Errorf(format, args...))
}
