package web_test

import (
	"context"
	"flag"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

var update = flag.Bool("update", false, "rewrite golden files")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendered page (run with -update to accept):\n%s", path, got)
	}
}

func TestActionPagesRender(t *testing.T) {
	c := newConsole(t)
	c.clock.Set(t0.Add(30 * time.Hour))
	for _, action := range []string{model.LinkSign, model.LinkRespond, model.LinkDismiss, model.LinkView} {
		t.Run(action, func(t *testing.T) {
			status, html, h := c.page("GET", c.links.ActionURL(c.housing.ID, action, t0), "")
			if status != http.StatusOK {
				t.Fatalf("GET: %d\n%s", status, html)
			}
			for _, k := range []string{"Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"} {
				if h.Get(k) == "" {
					t.Errorf("header %s missing", k)
				}
			}
			golden(t, "action_"+action+".golden.html", html)
		})
	}
}

func TestActionLinkSignatureAndExpiry(t *testing.T) {
	c := newConsole(t)
	good := c.links.ActionURL(c.housing.ID, model.LinkSign, t0)
	u, _ := url.Parse(good)
	q := u.Query()
	forge := func(edit func(path string, q url.Values) (string, url.Values)) string {
		p, v := edit(u.Path, url.Values{"e": {q.Get("e")}, "s": {q.Get("s")}})
		return c.srv.URL + p + "?" + v.Encode()
	}
	swapped := strings.Replace(u.Path, "/sign", "/dismiss", 1)
	other := strings.Replace(u.Path, "/act/1/", "/act/2/", 1)
	tests := []struct {
		name   string
		url    string
		status int
		text   string
	}{
		{"valid", good, http.StatusOK, "签收案件"},
		{"signature changed", forge(func(p string, v url.Values) (string, url.Values) { v.Set("s", "A"+v.Get("s")[1:]); return p, v }), http.StatusForbidden, "链接无效"},
		{"expiry moved", forge(func(p string, v url.Values) (string, url.Values) { v.Set("e", v.Get("e")+"0"); return p, v }), http.StatusForbidden, "链接无效"},
		{"another action", forge(func(_ string, v url.Values) (string, url.Values) { return swapped, v }), http.StatusForbidden, "链接无效"},
		{"another case", forge(func(_ string, v url.Values) (string, url.Values) { return other, v }), http.StatusForbidden, "链接无效"},
		{"no signature", c.srv.URL + u.Path, http.StatusForbidden, "链接无效"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, method := range []string{"GET", "POST"} {
				status, html, _ := c.page(method, tt.url, "name=张三")
				if status != tt.status || !strings.Contains(html, tt.text) {
					t.Errorf("%s: %d, want %d with %q", method, status, tt.status, tt.text)
				}
				if tt.status != http.StatusOK && strings.Contains(html, c.housing.Title) {
					t.Errorf("%s: a refused link showed the case", method)
				}
			}
		})
	}
	if got := c.caseNow(c.housing.ID).State; got != model.CaseSigned {
		// Only the valid link's POST may have signed it.
		t.Errorf("state %s, want signed by the one valid POST", got)
	}

	// Seven days later the link has expired, for both methods.
	c.clock.Set(t0.Add(7*24*time.Hour + time.Second))
	fresh := c.links.ActionURL(c.ecology.ID, model.LinkSign, t0)
	for _, method := range []string{"GET", "POST"} {
		if status, html, _ := c.page(method, fresh, "name=张三"); status != http.StatusGone || !strings.Contains(html, "链接已过期") {
			t.Errorf("expired %s: %d", method, status)
		}
	}
	if got := c.caseNow(c.ecology.ID).State; got != model.CaseOpen {
		t.Errorf("an expired link changed the case to %s", got)
	}
}

func TestActionLinkPosts(t *testing.T) {
	c := newConsole(t)
	c.clock.Set(t0.Add(time.Hour))
	sign := c.links.ActionURL(c.housing.ID, model.LinkSign, t0)
	if status, html, _ := c.page("POST", sign, "name="); status != http.StatusBadRequest || !strings.Contains(html, "请填写经办人姓名") {
		t.Errorf("POST without a name: %d", status)
	}
	if got := c.caseNow(c.housing.ID).State; got != model.CaseOpen {
		t.Fatalf("a refused form changed the case to %s", got)
	}
	// A browser on another site cannot post the form for the officer.
	if status, _, _ := c.page("POST", sign, "name=张三", "Sec-Fetch-Site", "cross-site"); status != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", status)
	}
	status, html, _ := c.page("POST", sign, "name=张三")
	if status != http.StatusOK || !strings.Contains(html, "签收成功") || strings.Contains(html, "<form") {
		t.Fatalf("POST sign: %d\n%s", status, html)
	}
	status, html, _ = c.page("POST", sign, "name=张三")
	if status != http.StatusOK || !strings.Contains(html, "无需重复提交") {
		t.Errorf("second POST: %d", status)
	}
	if status, html, _ = c.page("GET", sign, ""); !strings.Contains(html, "此案件当前为「已签收」，无需重复操作") || strings.Contains(html, "<form") {
		t.Errorf("GET after signing: %d, want no form and a note", status)
	}
	evs, err := c.store.CaseEvents(context.Background(), c.housing.ID)
	if err != nil || len(evs) != 2 {
		t.Fatalf("events %+v, %v: want opened and one sign", evs, err)
	}
	if e := evs[1]; e.Actor != "张三" || e.Action != model.ActionSign || e.Detail != "途径：签名链接" || !strings.HasPrefix(e.RemoteAddr, "127.0.0.1:") {
		t.Errorf("audit row %+v", e)
	}

	respond := c.links.ActionURL(c.housing.ID, model.LinkRespond, t0)
	if status, html, _ := c.page("POST", respond, "name=张三&url=javascript:alert(1)"); status != http.StatusBadRequest || !strings.Contains(html, "须以 http://") {
		t.Errorf("respond with a script URL: %d", status)
	}
	form := url.Values{"name": {"张三"}, "url": {"https://www.xianning.gov.cn/hd/9"}, "at": {"2026-03-02T09:30"}}
	if status, html, _ := c.page("POST", respond, form.Encode()); status != http.StatusOK || !strings.Contains(html, "回应已登记") {
		t.Fatalf("respond: %d\n%s", status, html)
	}
	got := c.caseNow(c.housing.ID)
	if got.State != model.CaseResponded || !got.RespondedAt.Equal(t0.Add(30*time.Minute)) || got.ResponseURL != form.Get("url") {
		t.Errorf("after responding: %s at %v (%s)", got.State, got.RespondedAt, got.ResponseURL)
	}
	// Dismissing a responded case is not allowed any more.
	dismiss := c.links.ActionURL(c.housing.ID, model.LinkDismiss, t0)
	if status, _, _ := c.page("POST", dismiss, "name=张三&kind=reject&reason=x"); status != http.StatusConflict {
		t.Errorf("dismiss after responding: %d, want 409", status)
	}
	reject := c.links.ActionURL(c.ecology.ID, model.LinkDismiss, t0)
	if status, _, _ := c.page("POST", reject, "name=李四&kind=reject&reason=属地政府负责"); status != http.StatusOK {
		t.Errorf("reject: %d", status)
	}
	if e := c.caseNow(c.ecology.ID); e.State != model.CaseRejected || e.Reason != "属地政府负责" {
		t.Errorf("rejected case %s %q", e.State, e.Reason)
	}
	view := c.links.ActionURL(c.ecology.ID, model.LinkView, t0)
	if status, _, _ := c.page("POST", view, "name=x"); status != http.StatusMethodNotAllowed {
		t.Errorf("POST to a view link: %d", status)
	}
}
