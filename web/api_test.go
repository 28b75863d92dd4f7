package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/yuqing/yuqing/model"
)

func TestAPITokens(t *testing.T) {
	c := newConsole(t)
	housing, ecology := fmt.Sprint(c.housing.ID), fmt.Sprint(c.ecology.ID)
	tests := []struct {
		name, method, path, token, body string
		status                          int
		cases                           int // cases listed, when it is a list
	}{
		{"no token", "GET", "/api/v1/cases", "", "", http.StatusUnauthorized, -1},
		{"unknown token", "GET", "/api/v1/cases", "guess-guess-guess-guess", "", http.StatusUnauthorized, -1},
		{"a department sees its own cases", "GET", "/api/v1/cases", housingToken, "", http.StatusOK, 1},
		{"not another department's", "GET", "/api/v1/cases?department=ecology", housingToken, "", http.StatusForbidden, -1},
		{"the coordinating office sees all", "GET", "/api/v1/cases", officeToken, "", http.StatusOK, 2},
		{"and filters", "GET", "/api/v1/cases?department=ecology&state=open", officeToken, "", http.StatusOK, 1},
		{"bad limit", "GET", "/api/v1/cases?limit=0", officeToken, "", http.StatusBadRequest, -1},
		{"another department's case is not found", "GET", "/api/v1/cases/" + ecology, housingToken, "", http.StatusNotFound, -1},
		{"own case", "GET", "/api/v1/cases/" + housing, housingToken, "", http.StatusOK, -1},
		{"bad id", "GET", "/api/v1/cases/x", housingToken, "", http.StatusBadRequest, -1},
		{"act on another department's case", "POST", "/api/v1/cases/" + ecology + "/actions", housingToken, `{"action":"sign"}`, http.StatusNotFound, -1},
		{"not JSON", "POST", "/api/v1/cases/" + housing + "/actions", housingToken, `sign`, http.StatusBadRequest, -1},
		{"unknown field", "POST", "/api/v1/cases/" + housing + "/actions", housingToken, `{"action":"sign","by":"x"}`, http.StatusBadRequest, -1},
		{"respond without a response", "POST", "/api/v1/cases/" + housing + "/actions", housingToken, `{"action":"respond"}`, http.StatusBadRequest, -1},
		{"close before responding", "POST", "/api/v1/cases/" + housing + "/actions", housingToken, `{"action":"close"}`, http.StatusConflict, -1},
		{"silences are for the office", "GET", "/api/v1/silences", housingToken, "", http.StatusForbidden, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := c.do(tt.method, tt.path, tt.token, tt.body)
			if status != tt.status {
				t.Fatalf("status %d (%v), want %d", status, body, tt.status)
			}
			if status >= 400 && body["error"] == nil {
				t.Errorf("error answer without an error: %v", body)
			}
			if tt.cases >= 0 {
				if list, _ := body["cases"].([]any); len(list) != tt.cases {
					t.Errorf("%d cases listed, want %d", len(list), tt.cases)
				}
			}
		})
	}
}

func TestAPITransitionsAndAudit(t *testing.T) {
	c := newConsole(t)
	path := fmt.Sprintf("/api/v1/cases/%d/actions", c.housing.ID)
	status, body := c.do("POST", path, housingToken, `{"action":"sign","actor":"张三"}`)
	if status != http.StatusOK || body["changed"] != true {
		t.Fatalf("sign: %d %v", status, body)
	}
	status, body = c.do("POST", path, housingToken, `{"action":"sign","actor":"张三"}`)
	if status != http.StatusOK || body["changed"] != false {
		t.Fatalf("second sign: %d %v; want 200, unchanged", status, body)
	}
	// The office may act on any case.
	status, body = c.do("POST", path, officeToken, `{"action":"respond","response_url":"https://www.xianning.gov.cn/hd/7"}`)
	if status != http.StatusOK || body["case"].(map[string]any)["state"] != "responded" {
		t.Fatalf("respond: %d %v", status, body)
	}
	status, body = c.do("GET", fmt.Sprintf("/api/v1/cases/%d", c.housing.ID), housingToken, "")
	if status != http.StatusOK {
		t.Fatal(status)
	}
	events := body["events"].([]any)
	if len(events) != 3 {
		t.Fatalf("events %v, want opened, sign, respond", events)
	}
	sign := events[1].(map[string]any)
	if sign["actor"] != "张三 (housing)" || sign["action"] != "sign" || sign["to_state"] != "signed" ||
		sign["remote_addr"] == "" || sign["detail"] != "途径：API" {
		t.Errorf("sign audit row %v", sign)
	}
	if respond := events[2].(map[string]any); respond["actor"] != "office" {
		t.Errorf("respond audit row %v", respond)
	}
	if links := body["links"].([]any); len(links) != 1 {
		t.Errorf("links %v", links)
	}
	d, _ := c.caseNow(c.housing.ID).Deadline(model.DeadlineResponse)
	if !d.OnTime() {
		t.Errorf("deadline after responding: %+v", d)
	}
}

func TestAPISilences(t *testing.T) {
	c := newConsole(t)
	status, body := c.do("POST", "/api/v1/silences", officeToken, `{"story_id":"story-1","for":"6h","reason":"已统一回应","author":"赵六"}`)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %v", status, body)
	}
	s := body["silence"].(map[string]any)
	if s["author"] != "赵六 (office)" || s["ends_at"] != "2026-03-02T07:00:00Z" {
		t.Errorf("created %v", s)
	}
	for _, bad := range []string{`{"reason":"x"}`, `{"topic":"a","for":"6h"}`, `{"topic":"a","for":"x","reason":"r"}`,
		`{"topic":"a","for":"1h","ends_at":"2026-03-03T00:00:00Z","reason":"r"}`} {
		if status, body := c.do("POST", "/api/v1/silences", officeToken, bad); status != http.StatusBadRequest {
			t.Errorf("create %s: %d %v, want 400", bad, status, body)
		}
	}
	status, body = c.do("GET", "/api/v1/silences", officeToken, "")
	if list := body["silences"].([]any); status != http.StatusOK || len(list) != 2 {
		t.Fatalf("list: %d %v, want the created and the configured one", status, body)
	}
	id := int64(s["id"].(float64))
	if status, _ := c.do("DELETE", fmt.Sprintf("/api/v1/silences/%d", id), officeToken, ""); status != http.StatusNoContent {
		t.Errorf("expire: %d", status)
	}
	if status, _ := c.do("DELETE", "/api/v1/silences/999", officeToken, ""); status != http.StatusNotFound {
		t.Errorf("expire unknown: %d", status)
	}
	if active, _ := c.store.ActiveSilences(context.Background(), t0); len(active) != 0 {
		t.Errorf("active after expiring: %v", active)
	}
}

func TestAPITimeliness(t *testing.T) {
	c := newConsole(t)
	c.clock.Set(t0.Add(72 * 3600e9))
	status, body := c.do("GET", "/api/v1/timeliness?from=2026-03-01&to=2026-03-05", officeToken, "")
	if rows := body["departments"].([]any); status != http.StatusOK || len(rows) != 2 {
		t.Fatalf("office: %d %v", status, body)
	}
	status, body = c.do("GET", "/api/v1/timeliness", housingToken, "")
	rows := body["departments"].([]any)
	if status != http.StatusOK || len(rows) != 1 || rows[0].(map[string]any)["department"] != "housing" ||
		rows[0].(map[string]any)["overdue"] != float64(1) {
		t.Fatalf("housing: %d %v", status, body)
	}
	if status, _ := c.do("GET", "/api/v1/timeliness?from=2026-03-05&to=2026-03-01", officeToken, ""); status != http.StatusBadRequest {
		t.Errorf("reversed period: %d", status)
	}
}
