package config

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

func TestAlertingDefaults(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	a := c.Alert
	if a.Coordinator != "office" || a.Deadlines.EscalateTo != "office" {
		t.Errorf("coordinator %q, escalate_to %q: want the root route's department", a.Coordinator, a.Deadlines.EscalateTo)
	}
	if len(a.Deadlines.Rules) != 3 || a.Deadlines.Rules[0].Name != "发布权威信息" || a.Deadlines.Rules[0].Within.D() != 5*time.Hour {
		t.Errorf("deadline rules %+v: want the statutory ones", a.Deadlines.Rules)
	}
	if !slices.Equal(a.Deadlines.Reminders, []int{50, 80}) || a.Deadlines.MaxBackdate.D() != 24*time.Hour ||
		a.Deadlines.Tick.D() != time.Minute || a.Links.TTL.D() != 7*24*time.Hour {
		t.Errorf("deadline defaults %+v, links %+v", a.Deadlines, a.Links)
	}
	cal := a.Calendar
	if cal.File != "<built-in calendar.yaml>" || cal.QuietHours == nil || cal.QuietHours.From.String() != "21:00" ||
		len(cal.Holidays) < 7 || !slices.Equal(cal.Routine, DefaultRoutine()) {
		t.Errorf("built-in calendar %+v", cal)
	}
	if len(c.Route.Routes) < 8 || c.Route.GroupWait == nil || c.Route.GroupWait.D() != 5*time.Second {
		t.Errorf("built-in routes: %d children, group_wait %v", len(c.Route.Routes), c.Route.GroupWait)
	}
}

func TestAlertingValid(t *testing.T) {
	t.Setenv("YUQING_TEST_LINK_SECRET", strings.Repeat("s", 40))
	c, err := Load("testdata/alert_valid/yuqing.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a := c.Alert
	if a.Deadlines.EscalateTo != "cac" || a.Deadlines.MaxBackdate.D() != 12*time.Hour || len(a.Deadlines.Rules) != 1 ||
		a.Deadlines.Rules[0].Name != "予以回应" || !slices.Equal(a.Deadlines.Reminders, []int{25, 50, 75}) {
		t.Errorf("deadlines %+v", a.Deadlines)
	}
	if !slices.Equal(a.Updates.Sources, []int{2, 4}) || len(a.Updates.Articles) != 0 {
		t.Errorf("updates %+v: an empty list must stay empty", a.Updates)
	}
	s := a.Silences[0].Model()
	if want := time.Date(2026, 9, 10, 10, 0, 0, 0, time.UTC); !s.EndsAt.Equal(want) || s.Topic != "education" || !s.FromConfig {
		t.Errorf("silence %+v: want it to end at 18:00 Beijing time", s)
	}
	if sev, err := ParseRuleSeverity("none"); err != nil || sev != model.SeverityNone {
		t.Errorf("none = %v, %v", sev, err)
	}
}

// TestAlertingInvalid checks that every problem of the alert section, the
// calendar and the department tokens is reported at once, with its place.
func TestAlertingInvalid(t *testing.T) {
	_, err := Load("testdata/alert_invalid/yuqing.yaml")
	ps, ok := err.(Problems)
	if !ok {
		t.Fatalf("want Problems, got %T: %v", err, err)
	}
	got := ps.Error()
	for _, want := range []string{
		`calendar.yaml:2: invalid time of day "25:00"`,
		`calendar.yaml:7: invalid date "2026-13-01"`,
		`calendar.yaml:1: unknown timezone "Mars/Olympus"`,
		`calendar.yaml:3: weekend: "caturday" is not a day of the week`,
		`calendar.yaml:4: routine: "digest" is not a message kind`,
		`calendar.yaml:6: holiday 国庆节: ends (2026-10-01) before it starts (2026-10-07)`,
		`departments.yaml:3: department housing has the same token as office`,
		`departments.yaml:4: department education: token must have at least 16 characters`,
		`yuqing.yaml:4: alert.coordinator names department "nobody", which is not defined`,
		`yuqing.yaml:6: alert.deadlines.escalate_to names department "ghost", which is not defined`,
		`yuqing.yaml:7: alert.deadlines.reminders must be percentages between 1 and 99 in ascending order`,
		`yuqing.yaml:10: deadline kind "apology": want first_info, press_conference or response`,
		`yuqing.yaml:11: deadline response: unknown severity "V"`,
		`yuqing.yaml:12: deadline press_conference needs a positive within`,
		`yuqing.yaml:12: deadline press_conference applies to no severity`,
		`yuqing.yaml:14: alert.updates.sources must be positive numbers in ascending order`,
		`yuqing.yaml:16: set alert.links.secret or alert.links.secret_file, not both`,
		`yuqing.yaml:16: alert.links.secret is 9 characters; use at least 32 random ones`,
		`yuqing.yaml:18: alert.links.ttl 10m0s is too short`,
		`yuqing.yaml:20: silence names topic "no_such_topic", which is not in the taxonomy`,
		`yuqing.yaml:21: silence names source "weibo", which is not configured`,
		`yuqing.yaml:22: invalid time "tomorrow"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q", want)
		}
	}
	if t.Failed() {
		t.Logf("problems:\n%s", got)
	}
}
