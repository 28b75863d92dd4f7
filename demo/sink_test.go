package demo

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

var (
	testSecret = []byte("demo-secret")
	testNow    = time.Date(2026, 11, 26, 20, 30, 0, 0, beijing)
)

// testSign signs as the spec says, independently of the code under test.
func testSign(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "." + string(body)))
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func TestSignatureKnownAnswer(t *testing.T) {
	// Computed with: printf '%s' '1795600000.{"version":"1"}' | openssl dgst -sha256 -hmac demo-secret
	const want = "sha256=d2e810be4f870dad6e4a46daa421d14bd7dbfc56c7fa844bba085e9b4231d666"
	body := []byte(`{"version":"1"}`)
	if got := testSign(testSecret, "1795600000", body); got != want {
		t.Errorf("test signer disagrees with openssl: %s", got)
	}
	if got := webhook.Sign(testSecret, time.Unix(1795600000, 0), body); got != want {
		t.Errorf("webhook.Sign disagrees with openssl: %s", got)
	}
}

func sampleAlert() model.Alert {
	return model.Alert{
		CaseID:         17,
		Department:     "housing",
		DepartmentName: "市住房和城乡建设局",
		Item: model.Item{
			ID:     "city_news:tag:news.xianning.example,2026:local-1126-017",
			Title:  "通城县一楼盘交房延期近一年 三百余户业主集体维权",
			URL:    "https://news.xianning.example/local/2026/11/26/1126-017.html",
			Author: "记者 陈晨",
		},
		Analysis: model.Analysis{
			Topics: []model.TopicMatch{{ID: "real_estate", Name: "房地产市场", Score: 4.5,
				Terms: []string{"烂尾楼", "业主", "交房"}}},
			Regions:     []string{"隽水镇", "通城县"},
			Departments: []string{"housing"},
		},
		OpenedAt: testNow.Add(-time.Minute),
	}
}

func alertBody(t *testing.T, kind string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"version": "1", "kind": kind, "alert": sampleAlert(),
		"sent_at": testNow, "added_later": true})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func postTo(t *testing.T, s *Sink, body []byte, header map[string]string) int {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	return rec.Code
}

func signedHeader(secret []byte, at time.Time, body []byte, delivery string) map[string]string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return map[string]string{webhook.HeaderTimestamp: ts, webhook.HeaderSignature: testSign(secret, ts, body),
		webhook.HeaderDelivery: delivery, "Content-Type": "application/json"}
}

func TestSinkAcceptsSignedAlert(t *testing.T) {
	s := newSink(testSecret, 8, func() time.Time { return testNow })
	srv := httptest.NewServer(s)
	defer srv.Close()
	body := alertBody(t, "yuqing.alert")
	req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range signedHeader(testSecret, testNow.Add(-30*time.Second), body, "d-42") {
		req.Header.Set(k, v)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	want := Received{Department: "housing", DepartmentName: "市住房和城乡建设局",
		Title: "通城县一楼盘交房延期近一年 三百余户业主集体维权",
		URL:   "https://news.xianning.example/local/2026/11/26/1126-017.html",
		Topics: []TopicTerms{{ID: "real_estate", Name: "房地产市场",
			Terms: []string{"烂尾楼", "业主", "交房"}}},
		Regions: []string{"隽水镇", "通城县"}, CaseID: 17, Delivery: "d-42"}
	select {
	case got := <-s.Alerts():
		if !reflect.DeepEqual(got, want) {
			t.Errorf("received\n%+v\nwant\n%+v", got, want)
		}
	default:
		t.Fatal("no alert on the channel")
	}
	if s.Count() != 1 || s.Rejected() != 0 {
		t.Errorf("count %d rejected %d, want 1 and 0", s.Count(), s.Rejected())
	}
}

// TestSinkReceivesFromNotifier runs the real sender against the sink.
func TestSinkReceivesFromNotifier(t *testing.T) {
	s := newSink(testSecret, 8, func() time.Time { return testNow })
	srv := httptest.NewServer(s)
	defer srv.Close()
	for _, tc := range []struct {
		name       string
		secret     string
		senderTime time.Time
		wantOK     bool
	}{
		{"signed", string(testSecret), testNow.Add(-time.Minute), true},
		{"wrong secret", "guess", testNow, false},
		{"sender clock an hour late", string(testSecret), testNow.Add(-time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := webhook.New("demo_sink", config.WebhookSpec{URL: config.Secret(srv.URL),
				Secret: config.Secret(tc.secret)}, webhook.Options{Now: func() time.Time { return tc.senderTime }})
			if err != nil {
				t.Fatal(err)
			}
			before := s.Count()
			retry, err := n.Notify(alert.WithDeliveryID(context.Background(), 7), sampleAlert())
			if (err == nil) != tc.wantOK {
				t.Fatalf("notify: retry %v err %v, want ok=%v", retry, err, tc.wantOK)
			}
			if tc.wantOK && (s.Count() != before+1 || (<-s.Alerts()).Delivery != "7") {
				t.Errorf("count %d (was %d); the alert was not recorded with its delivery id", s.Count(), before)
			}
		})
	}
	if s.Rejected() != 2 {
		t.Errorf("rejected %d, want 2", s.Rejected())
	}
}

func TestSinkRejects(t *testing.T) {
	good := alertBody(t, "yuqing.alert")
	forged := bytes.Replace(good, []byte("housing"), []byte("police"), 1)
	tests := []struct {
		name   string
		body   []byte
		header map[string]string
		want   int
	}{
		{"forged body", forged, signedHeader(testSecret, testNow, good, "d1"), http.StatusUnauthorized},
		{"wrong secret", good, signedHeader([]byte("guess"), testNow, good, "d1"), http.StatusUnauthorized},
		{"stale timestamp", good, signedHeader(testSecret, testNow.Add(-6*time.Minute), good, "d1"), http.StatusUnauthorized},
		{"future timestamp", good, signedHeader(testSecret, testNow.Add(6*time.Minute), good, "d1"), http.StatusUnauthorized},
		{"replayed with new timestamp", good, func() map[string]string {
			h := signedHeader(testSecret, testNow.Add(-time.Hour), good, "d1")
			h[webhook.HeaderTimestamp] = strconv.FormatInt(testNow.Unix(), 10)
			return h
		}(), http.StatusUnauthorized},
		{"unsigned", good, map[string]string{webhook.HeaderTimestamp: strconv.FormatInt(testNow.Unix(), 10)}, http.StatusUnauthorized},
		{"no timestamp", good, map[string]string{webhook.HeaderSignature: testSign(testSecret, "", good)}, http.StatusUnauthorized},
		{"signature not hex", good, map[string]string{webhook.HeaderTimestamp: strconv.FormatInt(testNow.Unix(), 10),
			webhook.HeaderSignature: "sha256=zz"}, http.StatusUnauthorized},
		{"signature without prefix", good, func() map[string]string {
			h := signedHeader(testSecret, testNow, good, "d1")
			h[webhook.HeaderSignature] = strings.TrimPrefix(h[webhook.HeaderSignature], "sha256=")
			return h
		}(), http.StatusUnauthorized},
		{"not json", []byte("ok"), signedHeader(testSecret, testNow, []byte("ok"), "d1"), http.StatusBadRequest},
		{"wrong kind", alertBody(t, "other"), signedHeader(testSecret, testNow, alertBody(t, "other"), "d1"), http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newSink(testSecret, 8, func() time.Time { return testNow })
			if got := postTo(t, s, tc.body, tc.header); got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
			if s.Rejected() != 1 || s.Count() != 0 || len(s.Alerts()) != 0 {
				t.Errorf("rejected %d count %d queued %d, want 1, 0, 0", s.Rejected(), s.Count(), len(s.Alerts()))
			}
		})
	}
}

func TestSinkTooLarge(t *testing.T) {
	s := newSink(testSecret, 8, func() time.Time { return testNow })
	big := bytes.Repeat([]byte(" "), maxBodyBytes+1)
	if got := postTo(t, s, big, signedHeader(testSecret, testNow, big, "d1")); got != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", got)
	}
	if s.Rejected() != 1 {
		t.Errorf("rejected %d, want 1", s.Rejected())
	}
}

func TestSinkOnlyPost(t *testing.T) {
	s := NewSink(testSecret)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/webhook", nil))
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
		t.Errorf("GET: status %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
}

func TestSinkEmptySecretAcceptsUnsigned(t *testing.T) {
	s := newSink(nil, 8, func() time.Time { return testNow })
	if got := postTo(t, s, alertBody(t, "yuqing.alert"), nil); got != http.StatusOK {
		t.Fatalf("status %d, want 200", got)
	}
	if s.Count() != 1 {
		t.Errorf("count %d, want 1", s.Count())
	}
}

func TestSinkRedeliveryRecordedOnce(t *testing.T) {
	s := newSink(testSecret, 8, func() time.Time { return testNow })
	body := alertBody(t, "yuqing.alert")
	for _, delivery := range []string{"d1", "d1", "d2", "", ""} {
		if got := postTo(t, s, body, signedHeader(testSecret, testNow, body, delivery)); got != http.StatusOK {
			t.Fatalf("delivery %q: status %d", delivery, got)
		}
	}
	// d1 once, d2 once, and both deliveries without an id (nothing to dedupe on).
	if s.Count() != 4 || s.Duplicates() != 1 || len(s.Alerts()) != 4 {
		t.Errorf("count %d duplicates %d queued %d, want 4, 1, 4", s.Count(), s.Duplicates(), len(s.Alerts()))
	}
}

func TestSinkNeverBlocksWhenFull(t *testing.T) {
	s := newSink(testSecret, 2, func() time.Time { return testNow })
	body := alertBody(t, "yuqing.alert")
	for i := range 5 {
		if got := postTo(t, s, body, signedHeader(testSecret, testNow, body, strconv.Itoa(i))); got != http.StatusOK {
			t.Fatalf("post %d: status %d", i, got)
		}
	}
	if s.Count() != 5 || s.Dropped() != 3 || len(s.Alerts()) != 2 {
		t.Errorf("count %d dropped %d queued %d, want 5, 3, 2", s.Count(), s.Dropped(), len(s.Alerts()))
	}
}

func FuzzSink(f *testing.F) {
	f.Add([]byte(`{"version":"1","kind":"yuqing.alert","alert":{"case_id":1}}`), true, int64(0))
	f.Add([]byte(`{"version":"1","kind":"yuqing.alert","alert":{"item":{"published_at":"x"}}}`), true, int64(0))
	f.Add([]byte(`{"version":"1","kind":"yuqing.alert","alert":{"analysis":{"severity":"V"}}}`), true, int64(0))
	f.Add([]byte("\xff\xfe"), false, int64(-400))
	f.Fuzz(func(t *testing.T, body []byte, sign bool, skew int64) {
		s := newSink(testSecret, 1, func() time.Time { return testNow })
		at := testNow.Add(time.Duration(skew) * time.Second)
		header := signedHeader(testSecret, at, body, "d")
		if !sign {
			header[webhook.HeaderSignature] = testSign([]byte("guess"), header[webhook.HeaderTimestamp], body)
		}
		code := postTo(t, s, body, header)
		if code == http.StatusOK && (!sign || skew > 300 || skew < -300) {
			t.Fatalf("accepted a delivery that is unsigned or out of tolerance (skew %ds)", skew)
		}
		if code == http.StatusOK {
			if _, err := decodeAlerts(body, "d"); err != nil {
				t.Fatalf("accepted an undecodable body: %v", err)
			}
		}
		if accepted := code == http.StatusOK; (s.Rejected() == 0) != accepted || (s.Count() > 0) != accepted {
			t.Fatalf("status %d: count %d, rejected %d", code, s.Count(), s.Rejected())
		}
	})
}

// TestSinkAcceptsDigests: a digest is one request carrying several alerts,
// each recorded under its own delivery id.
func TestSinkAcceptsDigests(t *testing.T) {
	s := newSink(testSecret, 8, func() time.Time { return testNow })
	a := sampleAlert()
	body, err := json.Marshal(map[string]any{"version": "1", "kind": "yuqing.digest",
		"deliveries": []map[string]any{{"delivery_id": 7, "alert": a}, {"delivery_id": 8, "alert": a}}})
	if err != nil {
		t.Fatal(err)
	}
	if code := postTo(t, s, body, signedHeader(testSecret, testNow, body, "7,8")); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if s.Count() != 2 {
		t.Fatalf("count %d, want 2", s.Count())
	}
	for _, want := range []string{"7", "8"} {
		if r := <-s.Alerts(); r.Delivery != want || !r.Digest || !strings.HasPrefix(Format(r), "〔汇总〕") {
			t.Errorf("got %+v, want delivery %s marked as part of a digest", r, want)
		}
	}
}
