package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

func fixture(t *testing.T, name string) model.Alert {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "message", "testdata", "alerts", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var a model.Alert
	if err := json.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func newFormatted(t *testing.T, url, format string, limiter *alert.Limiter) *webhook.Notifier {
	t.Helper()
	n, err := webhook.New("housing_hook", config.WebhookSpec{URL: config.Secret(url), Secret: "s3cret", Format: format},
		webhook.Options{Now: fixedNow, UserAgent: "yuqing/1.0.0", Limiter: limiter, ExternalURL: "https://yuqing.xianning.gov.cn"})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAlertmanagerPayload(t *testing.T) {
	c := &capture{status: http.StatusOK}
	srv := httptest.NewServer(c)
	defer srv.Close()
	n := newFormatted(t, srv.URL, "alertmanager", nil)
	if _, err := n.Notify(alert.WithDeliveryID(context.Background(), 5), fixture(t, "new")); err != nil {
		t.Fatal(err)
	}
	if err := webhook.Verify([]byte("s3cret"), c.last.Header, c.lastRaw, sentAt, time.Minute); err != nil {
		t.Errorf("alertmanager body is not signed: %v", err)
	}
	if got := c.last.Header.Get(webhook.HeaderDelivery); got != "5" {
		t.Errorf("delivery header = %q", got)
	}
	var p webhook.AlertmanagerPayload
	if err := json.Unmarshal(c.lastRaw, &p); err != nil {
		t.Fatal(err)
	}
	if p.Version != "4" || p.Status != "firing" || len(p.Alerts) != 1 || p.Alerts[0].Labels["severity"] != "II" ||
		!p.Alerts[0].EndsAt.IsZero() || p.CommonLabels["case_id"] != "42" || p.GroupLabels["case_id"] != "42" {
		t.Errorf("payload = %+v", p)
	}
	checkGolden(t, "testdata/alertmanager.golden.json", c.lastRaw)
}

func TestDigestPayloads(t *testing.T) {
	entries := []alert.DigestEntry{{DeliveryID: 11, Alert: fixture(t, "new")}, {DeliveryID: 12, Alert: fixture(t, "repeat")}}
	for _, format := range []string{"yuqing", "alertmanager"} {
		t.Run(format, func(t *testing.T) {
			c := &capture{status: http.StatusOK}
			srv := httptest.NewServer(c)
			defer srv.Close()
			if _, err := newFormatted(t, srv.URL, format, nil).NotifyDigest(context.Background(), entries); err != nil {
				t.Fatal(err)
			}
			if got := c.last.Header.Get(webhook.HeaderDelivery); got != "11,12" {
				t.Errorf("delivery header = %q, want both ids", got)
			}
			checkGolden(t, "testdata/digest."+format+".golden.json", c.lastRaw)
			if format == "alertmanager" {
				var p webhook.AlertmanagerPayload
				if err := json.Unmarshal(c.lastRaw, &p); err != nil || len(p.Alerts) != 2 || p.CommonLabels["alertname"] != "YuqingCase" || p.CommonLabels["case_id"] != "" {
					t.Errorf("digest payload = %+v, %v", p, err)
				}
			}
		})
	}
}

func TestReportPayloads(t *testing.T) {
	r := model.ReportNotice{Title: "咸宁市舆情周报（2026年第9周）", Summary: "- 新增案件 37 件", URL: "https://yuqing.xianning.gov.cn/reports/2026-w09",
		HTML: []byte("<html></html>"), PDF: []byte("%PDF")}
	for _, format := range []string{"yuqing", "alertmanager"} {
		c := &capture{status: http.StatusOK}
		srv := httptest.NewServer(c)
		if err := newFormatted(t, srv.URL, format, nil).SendReport(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		srv.Close()
		checkGolden(t, "testdata/report."+format+".golden.json", c.lastRaw)
	}
}

func TestWebhookRateLimit(t *testing.T) {
	c := &capture{status: http.StatusOK}
	srv := httptest.NewServer(c)
	defer srv.Close()
	l, err := alert.NewLimiter(alert.Window{Limit: 2, Per: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	n := newFormatted(t, srv.URL, "", l)
	for i := range 3 {
		_, err := n.Notify(context.Background(), fixture(t, "new"))
		de, deferred := errors.AsType[*alert.DeferError](err)
		if (i < 2) != (err == nil) || (i == 2 && (!deferred || !de.Until.Equal(sentAt.Add(time.Minute)))) {
			t.Fatalf("send %d: %v", i, err)
		}
	}
	if b, next := n.Budget(sentAt); b != 0 || !next.Equal(sentAt.Add(time.Minute)) {
		t.Errorf("Budget = %d, %v", b, next)
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := webhook.New("h", config.WebhookSpec{URL: "https://h.example/", Format: "slack"}, webhook.Options{}); err == nil {
		t.Fatal("New accepted format slack")
	}
}
