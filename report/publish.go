package report

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/internal/prom"
	"github.com/yuqing/yuqing/model"
)

// sendAttempts is how often a report is offered to a receiver that fails
// with a temporary error, sendBackoff the first wait between attempts.
const (
	sendAttempts = 3
	sendBackoff  = 5 * time.Second
)

// PublisherOptions configure a Publisher.
type PublisherOptions struct {
	Builder *Builder
	// Charts draws the charts (nil: none); Chromium prints the PDF (nil:
	// no PDF, noted in the log).
	Charts   *Charts
	Chromium *Chromium
	// Archive keeps each rendering; nil keeps nothing and links nowhere.
	Archive Archive
	// Formats are archived (default html, pdf, md, json).
	Formats []string
	// PublicURL is the base of the links to archived reports.
	PublicURL string
	// Senders are the receivers able to deliver reports, by name.
	Senders map[string]Sender
	// Receivers get the city-wide report; DepartmentReceivers a
	// department's own report, by department code.
	Receivers           []string
	DepartmentReceivers map[string][]string
	Now                 func() time.Time
	Logger              *slog.Logger
	Registerer          prometheus.Registerer
	// Sleep waits between delivery attempts (nil: a timer honouring ctx).
	Sleep func(ctx context.Context, d time.Duration) error
}

// Publisher builds a week's report for a scope, renders it, archives the
// renderings and announces it to the scope's receivers.
type Publisher struct {
	o       PublisherOptions
	builds  *prometheus.CounterVec
	seconds prometheus.Histogram
	sends   *prometheus.CounterVec
}

// NewPublisher checks the options and registers the metrics.
func NewPublisher(o PublisherOptions) (*Publisher, error) {
	if o.Builder == nil {
		return nil, errors.New("report: new publisher: no builder")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Logger = o.Logger.With("component", "report")
	if len(o.Formats) == 0 {
		o.Formats = []string{config.ReportHTML, config.ReportPDF, config.ReportMarkdown, config.ReportJSON}
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	p := &Publisher{o: o}
	var err error
	if p.builds, err = prom.Register(o.Registerer, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yuqing_report_builds_total", Help: "Reports built by the schedule, by result (ok, error).",
	}, []string{"result"})); err != nil {
		return nil, err
	}
	if p.seconds, err = prom.Register(o.Registerer, prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "yuqing_report_build_seconds", Help: "Time to build, render and archive one report.",
		Buckets: []float64{0.5, 1, 2, 5, 10, 20, 60, 120},
	})); err != nil {
		return nil, err
	}
	if p.sends, err = prom.Register(o.Registerer, prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "yuqing_report_deliveries_total", Help: "Report announcements to receivers, by result (ok, error, unsupported).",
	}, []string{"receiver", "result"})); err != nil {
		return nil, err
	}
	return p, nil
}

// Renderings are a report in every format made.
type Renderings map[string][]byte

// Publish builds, renders, archives and announces the report of week for
// scope ("" city-wide, else a department code). It fails when the report
// cannot be built or archived; receivers that cannot be reached are
// logged, counted and reported in the error of a *DeliveryError, after
// the others got it.
func (p *Publisher) Publish(ctx context.Context, week Week, scope string) error {
	start := p.o.Now()
	d, err := p.o.Builder.Build(ctx, Request{Week: week, Department: scope})
	if err != nil {
		p.builds.WithLabelValues("error").Inc()
		return err
	}
	r, err := p.Render(ctx, d)
	if err != nil {
		p.builds.WithLabelValues("error").Inc()
		return err
	}
	token, err := newToken()
	if err != nil {
		return err
	}
	if err := p.archive(ctx, d, r, token); err != nil {
		p.builds.WithLabelValues("error").Inc()
		return err
	}
	p.builds.WithLabelValues("ok").Inc()
	p.seconds.Observe(p.o.Now().Sub(start).Seconds())
	notice, err := p.notice(d, r, token)
	if err != nil {
		return err
	}
	return p.deliver(ctx, scope, notice)
}

// Render makes the HTML, Markdown and JSON, and the PDF when Chromium is
// set and PDF is among the formats; a failed PDF is logged and left out.
func (p *Publisher) Render(ctx context.Context, d *Data) (Renderings, error) {
	r := Renderings{}
	var buf bytes.Buffer
	if err := RenderHTML(&buf, d, HTMLOptions{Charts: p.o.Charts}); err != nil {
		return nil, err
	}
	r[config.ReportHTML] = bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := RenderMarkdown(&buf, d); err != nil {
		return nil, err
	}
	r[config.ReportMarkdown] = bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := RenderJSON(&buf, d); err != nil {
		return nil, err
	}
	r[config.ReportJSON] = bytes.Clone(buf.Bytes())
	if p.o.Chromium != nil && slices.Contains(p.o.Formats, config.ReportPDF) {
		pdf, err := p.o.Chromium.PDF(ctx, r[config.ReportHTML])
		if err != nil {
			// The other formats are still worth sending.
			p.o.Logger.Error("report PDF failed; sending without it", "week", d.Period.Week, "err", err)
		} else {
			r[config.ReportPDF] = pdf
		}
	}
	return r, nil
}

func (p *Publisher) archive(ctx context.Context, d *Data, r Renderings, token string) error {
	if p.o.Archive == nil {
		return nil
	}
	for _, f := range p.o.Formats {
		content, ok := r[f]
		if !ok {
			continue
		}
		err := p.o.Archive.SaveReport(ctx, model.ArchivedReport{Period: d.Period.Week, Scope: d.Scope.Department,
			Format: f, Token: token, Title: NoticeTitle(d), Content: content, CreatedAt: p.o.Now()})
		if err != nil {
			return fmt.Errorf("report: archive %s: %w", f, err)
		}
	}
	return nil
}

// notice is what receivers get: the email HTML shows PNG charts carried
// as inline images.
func (p *Publisher) notice(d *Data, r Renderings, token string) (model.ReportNotice, error) {
	n := model.ReportNotice{Title: NoticeTitle(d), Summary: NoticeSummary(d), PDF: r[config.ReportPDF]}
	if p.o.Archive != nil && p.o.PublicURL != "" {
		n.URL = strings.TrimRight(p.o.PublicURL, "/") + "/reports/" + token + ".html"
	}
	var buf bytes.Buffer
	images, err := RenderEmailHTML(&buf, d, HTMLOptions{Charts: p.o.Charts, OnlineURL: n.URL})
	if err != nil {
		return model.ReportNotice{}, err
	}
	n.HTML, n.Images = buf.Bytes(), images
	return n, nil
}

// DeliveryError lists the receivers a report could not be delivered to.
type DeliveryError struct{ Failed map[string]error }

func (e *DeliveryError) Error() string {
	names := make([]string, 0, len(e.Failed))
	for name := range e.Failed {
		names = append(names, name)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + ": " + e.Failed[name].Error()
	}
	return "report: not delivered to " + strings.Join(parts, "; ")
}

func (p *Publisher) deliver(ctx context.Context, scope string, n model.ReportNotice) error {
	receivers := p.o.Receivers
	if scope != "" {
		receivers = p.o.DepartmentReceivers[scope]
	}
	failed := map[string]error{}
	for _, name := range receivers {
		sender, ok := p.o.Senders[name]
		if !ok {
			p.sends.WithLabelValues(name, "unsupported").Inc()
			p.o.Logger.Warn("receiver cannot deliver reports", "receiver", name)
			continue
		}
		if err := p.send(ctx, sender, n); err != nil {
			p.sends.WithLabelValues(name, "error").Inc()
			p.o.Logger.Error("report not delivered", "receiver", name, "title", n.Title, "err", err)
			failed[name] = err
			continue
		}
		p.sends.WithLabelValues(name, "ok").Inc()
		p.o.Logger.Info("report delivered", "receiver", name, "title", n.Title)
	}
	if len(failed) > 0 {
		return &DeliveryError{Failed: failed}
	}
	return nil
}

// send offers the report up to sendAttempts times while the receiver's
// failures are temporary.
func (p *Publisher) send(ctx context.Context, s Sender, n model.ReportNotice) error {
	wait := sendBackoff
	var err error
	for attempt := 1; ; attempt++ {
		if err = s.SendReport(ctx, n); err == nil || errors.Is(err, model.ErrPermanent) || attempt == sendAttempts {
			return err
		}
		if serr := p.o.Sleep(ctx, wait); serr != nil {
			return errors.Join(err, serr)
		}
		wait *= 2
	}
}

func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("report: make link token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
