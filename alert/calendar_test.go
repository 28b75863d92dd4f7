package alert_test

import (
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/configs"
	"github.com/yuqing/yuqing/model"
)

var beijing = time.FixedZone("CST", 8*3600)

// at is a Beijing wall-clock time.
func at(month time.Month, day, hour, minute int) time.Time {
	return time.Date(2026, month, day, hour, minute, 0, 0, beijing)
}

// shippedCalendar compiles the calendar in configs/, so that the data
// shipped is what is tested.
func shippedCalendar(t *testing.T) *alert.Calendar {
	t.Helper()
	data, err := configs.Files.ReadFile("calendar.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c config.Calendar
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	cal, err := alert.CompileCalendar(c)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func TestCalendarWorkingTime(t *testing.T) {
	cal := shippedCalendar(t)
	tests := []struct {
		name     string
		t        time.Time
		working  bool
		next     time.Time
		holidays bool
	}{
		{"ordinary Monday morning", at(3, 2, 9, 0), true, at(3, 2, 9, 0), false},
		{"quiet hours in the evening wait for the morning", at(3, 2, 22, 30), false, at(3, 3, 8, 0), false},
		{"quiet hours before dawn wait until 08:00", at(3, 3, 6, 59), false, at(3, 3, 8, 0), false},
		{"the quiet hours end at 08:00 sharp", at(3, 3, 8, 0), true, at(3, 3, 8, 0), false},
		{"the quiet hours start at 21:00 sharp", at(3, 3, 21, 0), false, at(3, 4, 8, 0), false},
		{"Saturday waits for Monday", at(3, 7, 10, 0), false, at(3, 9, 8, 0), true},
		{"Friday evening waits for Monday", at(3, 6, 23, 0), false, at(3, 9, 8, 0), false},
		{"National Day holiday waits for its end", at(10, 2, 10, 0), false, at(10, 8, 8, 0), true},
		{"调休: Saturday 10 October is a working day", at(10, 10, 10, 0), true, at(10, 10, 10, 0), false},
		{"调休: Sunday 20 September is a working day", at(9, 20, 15, 0), true, at(9, 20, 15, 0), false},
		{"Spring Festival eve: Saturday 14 February is worked", at(2, 14, 9, 0), true, at(2, 14, 9, 0), false},
		{"Spring Festival: nine days off, then Tuesday", at(2, 15, 9, 0), false, at(2, 24, 8, 0), true},
		{"Mid-Autumn Friday is a holiday", at(9, 25, 9, 0), false, at(9, 28, 8, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.Working(tt.t); got != tt.working {
				t.Errorf("Working(%v) = %v, want %v", tt.t, got, tt.working)
			}
			if got := cal.NextWorking(tt.t); !got.Equal(tt.next) {
				t.Errorf("NextWorking(%v) = %v, want %v", tt.t, got.In(beijing), tt.next)
			}
			if got := cal.DayOff(tt.t); got != tt.holidays {
				t.Errorf("DayOff(%v) = %v, want %v", tt.t, got, tt.holidays)
			}
		})
	}
}

func TestCalendarHoldsOnlyRoutineMessagesOfOrdinaryCases(t *testing.T) {
	cal := shippedCalendar(t)
	night := at(3, 2, 23, 0)
	morning := at(3, 3, 8, 0)
	tests := []struct {
		kind string
		sev  model.Severity
		want time.Time
	}{
		{model.AlertReminder, model.SeverityIV, morning},
		{model.AlertReminder, model.SeverityNone, morning},
		{model.AlertRepeat, model.SeverityIII, morning},
		{model.AlertUpdate, model.SeverityIII, morning},
		// Nothing about a Ⅰ/Ⅱ case waits.
		{model.AlertReminder, model.SeverityII, night},
		{model.AlertUpdate, model.SeverityI, night},
		// New cases and escalations are not routine in the shipped calendar.
		{model.AlertNew, model.SeverityIV, night},
		{model.AlertEscalation, model.SeverityIV, night},
	}
	for _, tt := range tests {
		if got := cal.Release(tt.kind, tt.sev, night); !got.Equal(tt.want) {
			t.Errorf("Release(%s, %q) at 23:00 = %v, want %v", tt.kind, tt.sev, got.In(beijing), tt.want)
		}
	}
	var none *alert.Calendar
	if got := none.Release(model.AlertReminder, model.SeverityIV, night); !got.Equal(night) {
		t.Errorf("a nil calendar held a message until %v", got)
	}
}

func TestCalendarYearsAndErrors(t *testing.T) {
	cal := shippedCalendar(t)
	if !cal.HasYear(2026) || cal.HasYear(2031) {
		t.Errorf("HasYear: 2026 %v, 2031 %v; want true, false (years %v)", cal.HasYear(2026), cal.HasYear(2031), cal.Years())
	}
	bad := config.Calendar{Timezone: "Mars/Olympus", Weekend: []string{"caturday"},
		Holidays: []config.Holiday{{Name: "倒序", From: config.Date{Year: 2026, Month: 5, Day: 5}, To: config.Date{Year: 2026, Month: 5, Day: 1}}}}
	if _, err := alert.CompileCalendar(bad); err == nil {
		t.Error("CompileCalendar accepted an unknown zone, day and a reversed holiday")
	}
	// A quiet span within one day (lunch break) also works.
	lunch := config.Calendar{QuietHours: &config.Span{From: 12 * 60, To: 14 * 60}}
	c, err := alert.CompileCalendar(lunch)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.NextWorking(at(3, 7, 12, 30)), at(3, 7, 14, 0); !got.Equal(want) {
		t.Errorf("lunch break: NextWorking = %v, want %v", got.In(beijing), want)
	}
}
