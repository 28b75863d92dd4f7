package email_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/email"
	"github.com/yuqing/yuqing/alert/notify/internal/notifytest"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func fixedNow() time.Time { return t0 }

func loadAlert(t *testing.T, name string) model.Alert { return notifytest.Alert(t, name) }

func spec(mb *mailbox, tlsMode string) config.EmailSpec {
	return config.EmailSpec{Host: mb.host, Port: mb.port, TLS: tlsMode, From: "舆情监测 <yuqing@xianning.gov.cn>",
		To: []string{"zjj@xianning.gov.cn", "office@xianning.gov.cn"}, Timeout: config.Duration(10 * time.Second)}
}

func newNotifier(t *testing.T, s config.EmailSpec, o email.Options) *email.Notifier {
	t.Helper()
	if o.Now == nil {
		o.Now = fixedNow
	}
	n, err := email.New("housing_mail", s, o)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNotifySendsHTMLAndText(t *testing.T) {
	mb := startMailbox(t, serverOptions{password: "s3cret"})
	s := spec(mb, config.EmailTLSNone)
	s.Username, s.Password = "yuqing", "s3cret"
	n := newNotifier(t, s, email.Options{})
	retry, err := n.Notify(alert.WithDeliveryID(context.Background(), 7), loadAlert(t, "new"))
	if err != nil {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
	got := mb.received()
	if len(got) != 1 || got[0].from != "yuqing@xianning.gov.cn" || strings.Join(got[0].to, ",") != "zjj@xianning.gov.cn,office@xianning.gov.cn" {
		t.Fatalf("server got %+v", got)
	}
	p := parse(t, got[0].data)
	if subj := p.subject(t); subj != "【Ⅱ级 重大】新舆情：通城县某楼盘停工两年 业主集体维权讨说法" {
		t.Errorf("Subject = %q", subj)
	}
	if id := p.header.Get("Message-Id"); id != "<yuqing-delivery-7@xianning.gov.cn>" {
		t.Errorf("Message-ID = %q, want one derived from the delivery id", id)
	}
	if len(p.parts["text/plain"]) != 1 || len(p.parts["text/html"]) != 1 {
		t.Fatalf("parts: %d text, %d html; want one of each", len(p.parts["text/plain"]), len(p.parts["text/html"]))
	}
	text, html := string(p.parts["text/plain"][0]), string(p.parts["text/html"][0])
	for _, want := range []string{"【新舆情 · Ⅱ级 重大（橙色预警）】", "责任单位：市住房和城乡建设局（牵头）",
		"发布权威信息：3月2日 19:10 前（剩余 1小时40分）", "签收：https://yuqing.xianning.gov.cn/a/sign?c=42"} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	for _, want := range []string{`color:#EF6C00;">Ⅱ级 重大（橙色预警）</span>`, `<a href="https://yuqing.xianning.gov.cn/a/sign?c=42&amp;e=1772582400&amp;s=Q2hhbmdlTWU"`} {
		if !strings.Contains(html, want) {
			t.Errorf("html part lacks %q", want)
		}
	}
}

func TestStartTLSWithCAFile(t *testing.T) {
	mb := startMailbox(t, serverOptions{tls: true, password: "s3cret"})
	s := spec(mb, config.EmailTLSStartTLS)
	s.Username, s.CAFile = "yuqing", mb.caFile
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s.PasswordFile = pw
	if _, err := newNotifier(t, s, email.Options{}).Notify(context.Background(), loadAlert(t, "reminder")); err != nil {
		t.Fatal(err)
	}
	if len(mb.received()) != 1 || mb.user != "yuqing" {
		t.Fatalf("server got %d messages, user %q", len(mb.received()), mb.user)
	}
}

func TestFailures(t *testing.T) {
	tests := []struct {
		name      string
		tls       bool
		stage     string
		refusal   error
		password  string
		mode      string
		caFile    bool
		wantRetry bool
	}{
		{name: "mailbox busy (450) is retried", stage: "rcpt", refusal: &smtp.SMTPError{Code: 450, Message: "Mailbox busy"}, mode: config.EmailTLSNone, wantRetry: true},
		{name: "unknown mailbox (550) is final", stage: "rcpt", refusal: &smtp.SMTPError{Code: 550, Message: "No such user"}, mode: config.EmailTLSNone},
		{name: "data refused for now (451)", stage: "data", refusal: &smtp.SMTPError{Code: 451, Message: "Try again later"}, mode: config.EmailTLSNone, wantRetry: true},
		{name: "wrong password is final", password: "other", mode: config.EmailTLSNone},
		{name: "untrusted certificate is final", tls: true, mode: config.EmailTLSStartTLS},
		{name: "no STARTTLS offered is final when required", mode: config.EmailTLSStartTLS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mb := startMailbox(t, serverOptions{tls: tt.tls, password: tt.password})
			mb.fail = func(stage string) error {
				if stage == tt.stage {
					return tt.refusal
				}
				return nil
			}
			s := spec(mb, tt.mode)
			if tt.password != "" {
				s.Username, s.Password = "yuqing", "s3cret"
			}
			retry, err := newNotifier(t, s, email.Options{}).Notify(context.Background(), loadAlert(t, "new"))
			if err == nil || retry != tt.wantRetry || !strings.HasPrefix(err.Error(), "email: send to housing_mail: ") {
				t.Fatalf("Notify = %v, %v; want retry=%v", retry, err, tt.wantRetry)
			}
			if len(mb.received()) != 0 {
				t.Fatal("server accepted the message")
			}
		})
	}
}

func TestServerDownIsRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := config.EmailSpec{Host: "127.0.0.1", Port: port, TLS: config.EmailTLSNone, From: "yuqing@xianning.gov.cn", To: []string{"a@xianning.gov.cn"}}
	if retry, err := newNotifier(t, s, email.Options{}).Notify(context.Background(), loadAlert(t, "new")); !retry || err == nil {
		t.Fatalf("Notify = %v, %v; want a retryable error (port %s)", retry, err, portString(port))
	}
}

func TestDigestIsOneEmail(t *testing.T) {
	mb := startMailbox(t, serverOptions{})
	n := newNotifier(t, spec(mb, config.EmailTLSNone), email.Options{})
	var entries []alert.DigestEntry
	for i, kind := range []string{"repeat", "new", "escalation"} {
		entries = append(entries, alert.DigestEntry{DeliveryID: int64(10 + i), Alert: loadAlert(t, kind)})
	}
	if _, err := n.NotifyDigest(context.Background(), entries); err != nil {
		t.Fatal(err)
	}
	got := mb.received()
	if len(got) != 1 {
		t.Fatalf("server got %d messages, want one digest", len(got))
	}
	p := parse(t, got[0].data)
	html := string(p.parts["text/html"][0])
	if p.subject(t) != "舆情汇总：3 条" || strings.Count(html, "舆情案件编号") != 3 {
		t.Errorf("digest subject %q, %d cases in html", p.subject(t), strings.Count(html, "舆情案件编号"))
	}
	if strings.Index(html, "通城县") > strings.Index(html, "嘉鱼县") {
		t.Error("digest does not list the most severe (Ⅱ) first")
	}
}

func TestReportHasPDFAttached(t *testing.T) {
	mb := startMailbox(t, serverOptions{})
	n := newNotifier(t, spec(mb, config.EmailTLSNone), email.Options{})
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 1, 2, 0xff}, 300)...)
	r := model.ReportNotice{Title: "咸宁市舆情周报（2026年第9周）", Summary: "- 新增案件 37 件",
		URL: "https://yuqing.xianning.gov.cn/reports/2026-w09", HTML: []byte("<html><body><h1>周报</h1></body></html>"), PDF: pdf}
	var _ alert.ReportSender = n
	if err := n.SendReport(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	p := parse(t, mb.received()[0].data)
	if got := p.parts["application/pdf"]; len(got) != 1 || !bytes.Equal(got[0], pdf) {
		t.Fatalf("PDF attachment missing or changed (%d parts)", len(got))
	}
	if len(p.names) != 1 || p.names[0] != "咸宁市舆情周报（2026年第9周）.pdf" {
		t.Errorf("attachment names = %q", p.names)
	}
	if string(p.parts["text/html"][0]) != string(r.HTML) || !strings.Contains(string(p.parts["text/plain"][0]), "新增案件 37 件") {
		t.Error("report body is not the report's HTML with a text alternative")
	}
}

// Gmail, Outlook and Coremail show no data: URIs: the report's charts
// travel as inline parts of a multipart/related message, each named by the
// Content-ID that the HTML's cid: URL refers to.
func TestReportChartsAreInlineParts(t *testing.T) {
	mb := startMailbox(t, serverOptions{})
	n := newNotifier(t, spec(mb, config.EmailTLSNone), email.Options{})
	images := []model.InlineImage{
		{ContentID: "chart01.areas@yuqing.report", Name: "areas.png", ContentType: "image/png", Data: testPNG(t, 3)},
		{ContentID: "chart02.trend-real-estate@yuqing.report", Name: "trend-real-estate.png", ContentType: "image/png", Data: testPNG(t, 5)},
	}
	html := `<html><body><h1>周报</h1><img src="cid:chart01.areas@yuqing.report" alt="各领域信息量">` +
		`<img src="cid:chart02.trend-real-estate@yuqing.report" alt="房地产市场"></body></html>`
	r := model.ReportNotice{Title: "咸宁市舆情周报（2026年第9周）", Summary: "- 新增案件 37 件",
		HTML: []byte(html), Images: images, PDF: []byte("%PDF-1.7\n")}
	if err := n.SendReport(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	p := parse(t, mb.received()[0].data)
	var htmlPart leaf
	inline := map[string]leaf{}
	for _, l := range p.leaves {
		switch {
		case l.contentType == "text/html":
			htmlPart = l
		case strings.HasPrefix(l.contentType, "image/"):
			inline[l.contentID] = l
		}
	}
	if !slices.Contains(htmlPart.parents, "multipart/related") {
		t.Fatalf("the HTML body is not in a multipart/related part (parents %v)", htmlPart.parents)
	}
	refs := regexp.MustCompile(`src="cid:([^"]+)"`).FindAllStringSubmatch(string(htmlPart.data), -1)
	if len(refs) != len(images) || len(inline) != len(images) {
		t.Fatalf("HTML refers to %d cid: images, message has %d inline images; want %d each", len(refs), len(inline), len(images))
	}
	for i, ref := range refs {
		part, ok := inline["<"+ref[1]+">"]
		switch {
		case !ok:
			t.Errorf("cid:%s names no part of the message (Content-IDs %v)", ref[1], slices.Collect(maps.Keys(inline)))
		case !slices.Equal(part.parents, htmlPart.parents[:len(htmlPart.parents)-1]) || part.parents[len(part.parents)-1] != "multipart/related":
			t.Errorf("image %s sits in %v, want beside the HTML's alternative in multipart/related", ref[1], part.parents)
		case part.disposition != "inline" || part.contentType != "image/png" || !bytes.Equal(part.data, images[i].Data):
			t.Errorf("image %s: %s %s, %d bytes; want an inline image/png with the chart's bytes", ref[1], part.disposition, part.contentType, len(part.data))
		}
	}
	if len(p.names) != 1 || len(p.parts["application/pdf"]) != 1 {
		t.Errorf("attachments %q, want the PDF alone", p.names)
	}
}

// A report whose HTML is missing is sent as its summary: nothing refers
// to its images, so none are sent.
func TestReportWithoutHTMLSendsNoImages(t *testing.T) {
	mb := startMailbox(t, serverOptions{})
	n := newNotifier(t, spec(mb, config.EmailTLSNone), email.Options{})
	r := model.ReportNotice{Title: "咸宁市舆情周报（2026年第9周）", Summary: "- 新增案件 37 件",
		Images: []model.InlineImage{{ContentID: "chart01.areas@yuqing.report", Name: "areas.png", ContentType: "image/png", Data: testPNG(t, 3)}}}
	if err := n.SendReport(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	p := parse(t, mb.received()[0].data)
	if len(p.parts["image/png"]) != 0 || !strings.Contains(string(p.parts["text/html"][0]), "新增案件 37 件") {
		t.Errorf("summary-only report: %d images, html %q", len(p.parts["image/png"]), p.parts["text/html"])
	}
}

// testPNG is a small real PNG, size pixels square.
func testPNG(t *testing.T, size int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	img.Set(1, 1, color.RGBA{R: 0xb8, G: 0x1d, B: 0x24, A: 0xff})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRateLimitDefers(t *testing.T) {
	mb := startMailbox(t, serverOptions{})
	l, err := alert.NewLimiter(alert.Window{Limit: 1, Per: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	n := newNotifier(t, spec(mb, config.EmailTLSNone), email.Options{Limiter: l})
	if _, err := n.Notify(context.Background(), loadAlert(t, "new")); err != nil {
		t.Fatal(err)
	}
	_, err = n.Notify(context.Background(), loadAlert(t, "new"))
	if de, ok := errors.AsType[*alert.DeferError](err); !ok || de.Until.Before(t0.Add(time.Minute)) {
		t.Fatalf("second mail within a minute: %v, want deferred", err)
	}
	if b, _ := n.Budget(t0); b != 0 || len(mb.received()) != 1 {
		t.Errorf("budget %d, server got %d", b, len(mb.received()))
	}
}

func TestNewChecksSpec(t *testing.T) {
	for _, tt := range []struct {
		name string
		spec config.EmailSpec
		want string
	}{
		{"bad from", config.EmailSpec{Host: "h", From: "nope", To: []string{"a@b.cn"}}, "from"},
		{"no recipient", config.EmailSpec{Host: "h", From: "a@b.cn"}, "no recipient"},
		{"bad tls", config.EmailSpec{Host: "h", From: "a@b.cn", To: []string{"a@b.cn"}, TLS: "ssl"}, "tls"},
		{"missing ca", config.EmailSpec{Host: "h", From: "a@b.cn", To: []string{"a@b.cn"}, CAFile: "/nonexistent/ca.pem"}, "ca_file"},
		{"both passwords", config.EmailSpec{Host: "h", From: "a@b.cn", To: []string{"a@b.cn"}, Username: "u", Password: "p", PasswordFile: "/x"}, "not both"},
	} {
		if _, err := email.New("m", tt.spec, email.Options{}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: New = %v, want %q", tt.name, err, tt.want)
		}
	}
}
