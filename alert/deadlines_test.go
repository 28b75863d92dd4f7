package alert_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

func TestDeadlineRemindersAndEscalation(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	t0 := f.clock.Now()
	f.handle(f.item("1", "forum", "", model.SeverityIV))
	c := f.onlyCase("housing")
	d, ok := c.Deadline(model.DeadlineResponse)
	if !ok || len(c.Deadlines) != 1 || !d.Due.Equal(t0.Add(48*time.Hour)) || d.Name != "予以回应" || !c.ClockStart.Equal(t0) {
		t.Fatalf("deadlines %+v from %v, want 予以回应 due at +48h from %v", c.Deadlines, c.ClockStart, t0)
	}
	steps := []struct {
		at   time.Duration
		want []string
		note string
	}{
		{23 * time.Hour, nil, ""},
		{24 * time.Hour, []string{"housing_hook:reminder"}, "距「予以回应」时限（3月4日 09:00）还剩 1天（已过 50%）"},
		{24 * time.Hour, nil, ""}, // the same tick again, as after a restart
		{38 * time.Hour, nil, ""},
		{38*time.Hour + 24*time.Minute, []string{"housing_hook:reminder"}, "已过 80%"},
		{48 * time.Hour, []string{"office_hook:escalation", "housing_hook:escalation"}, "已报送市政务服务和大数据管理局督办"},
		{60 * time.Hour, nil, ""},
	}
	before := len(f.sentMessages())
	for _, st := range steps {
		f.tickAt(t0, st.at)
		all := f.sentMessages()
		wantMessages(t, "tick at +"+st.at.String(), all[before:], st.want...)
		if st.note != "" && !strings.Contains(all[before].Note, st.note) {
			t.Errorf("+%s: note %q lacks %q", st.at, all[before].Note, st.note)
		}
		before = len(all)
	}
	c = f.onlyCase("housing")
	if !c.EscalatedAt.Equal(t0.Add(48 * time.Hour)) {
		t.Errorf("EscalatedAt = %v, want +48h", c.EscalatedAt)
	}
	esc := f.sentMessages()[before-1].Alert
	if esc.EscalatedTo != "office" || esc.EscalatedToName != "市政务服务和大数据管理局" || len(esc.Deadlines) != 1 {
		t.Errorf("escalation alert = %+v", esc)
	}
	wantEvents := []string{"opened", "reminder", "reminder", "escalated"}
	if got := f.events(c.ID); strings.Join(got, ",") != strings.Join(wantEvents, ",") {
		t.Errorf("events = %v, want %v", got, wantEvents)
	}
	if n := metricValue(t, f.reg, `yuqing_alert_clock_messages_total{kind="escalation"}`); n != 1 {
		t.Errorf("escalations counted = %v, want 1", n)
	}
}

func TestRespondingMeetsTheDeadlineAndStopsTheClock(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	t0 := f.clock.Now()
	f.handle(f.item("1", "forum", "", model.SeverityIII))
	c := f.onlyCase("housing")
	f.clock.Set(t0.Add(10 * time.Hour))
	if _, _, err := f.store.TransitionCase(f.ctx, c.ID, model.Transition{Action: model.ActionRespond,
		Actor: "张三", ResponseURL: "https://example.gov.cn/reply"}, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	before := len(f.sentMessages())
	for _, at := range []time.Duration{24 * time.Hour, 40 * time.Hour, 49 * time.Hour} {
		if n := f.tickAt(t0, at); n != 0 {
			t.Errorf("tick at +%s after the response queued %d messages", at, n)
		}
	}
	c = f.onlyCase("housing")
	if d, _ := c.Deadline(model.DeadlineResponse); !d.OnTime() || len(f.sentMessages()) != before || !c.EscalatedAt.IsZero() {
		t.Errorf("deadline %+v, escalated %v: want met on time and nothing sent", d, c.EscalatedAt)
	}
}

func TestClockStartsAtTheStorysEarliestTime(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	t0 := f.clock.Now()

	// Published 10 hours before it was seen: the clock runs from then.
	major := f.item("major", "forum", "s-major", model.SeverityII)
	major.Item.PublishedAt = t0.Add(-10 * time.Hour)
	// Published three days before: the clock starts at most 24 h back.
	old := f.item("old", "forum", "s-old", model.SeverityIV)
	old.Item.PublishedAt = t0.Add(-72 * time.Hour)
	old.Analysis.Topics[0].ID = "ecology"
	f.handle(major, old)

	c := f.onlyCase("housing")
	if !c.ClockStart.Equal(t0.Add(-10 * time.Hour)) {
		t.Errorf("major case clock start %v, want its publication", c.ClockStart)
	}
	// 发布权威信息 was due 5 h after publication, so the case opens overdue
	// and the office hears of it at once.
	wantMessages(t, "opening an overdue Ⅱ case", f.sentMessages()[:3], "housing_hook:new", "office_hook:escalation", "housing_hook:escalation")
	e := f.onlyCase("ecology")
	if !e.ClockStart.Equal(t0.Add(-24 * time.Hour)) {
		t.Errorf("old case clock start %v, want 24 h before detection", e.ClockStart)
	}
	// Its 50% point passed before the case existed: no reminder for it;
	// the 80% point (38.4 h from the clock start) still comes.
	ecologyMessages := func() (out []sent) {
		for _, m := range f.sentMessages() {
			if m.CaseID == e.ID {
				out = append(out, m)
			}
		}
		return out
	}
	f.tickAt(t0, 0)
	f.tickAt(t0, 14*time.Hour)
	wantMessages(t, "before the 80% point", ecologyMessages(), "ecology_hook:new")
	f.tickAt(t0, 14*time.Hour+24*time.Minute)
	got := ecologyMessages()
	wantMessages(t, "at the 80% point", got, "ecology_hook:new", "ecology_hook:reminder")
	if !strings.Contains(got[1].Note, "80%") {
		t.Errorf("reminder note %q", got[1].Note)
	}
}

func TestCalendarHoldsRemindersOfOrdinaryCasesOnly(t *testing.T) {
	cal := config.Calendar{QuietHours: &config.Span{From: 21 * 60, To: 8 * 60}, Weekend: config.DefaultWeekend(),
		Routine: config.DefaultRoutine()}
	f := newCaseFixture(t, fixtureOptions{alert: config.Alert{Calendar: cal}})
	// Monday 23:00 in Beijing: new cases go out at once, even at night.
	opened := at(3, 2, 23, 0)
	f.clock.Set(opened)
	f.handle(f.item("1", "forum", "", model.SeverityIV))
	wantMessages(t, "a new case at night", f.sentMessages(), "housing_hook:new")

	// The 50% point is Tuesday 23:00, in the quiet hours: held until 08:00.
	if n := f.tickAt(opened, 24*time.Hour); n != 0 {
		t.Fatalf("a reminder went out in the quiet hours")
	}
	if n := f.tickAt(at(3, 4, 7, 59), 0); n != 0 {
		t.Fatalf("a reminder went out before the quiet hours ended")
	}
	f.tickAt(at(3, 4, 8, 0), 0)
	wantMessages(t, "at 08:00", f.sentMessages()[1:], "housing_hook:reminder")
	// The escalation (Wednesday 23:00) is not routine: it goes out at night.
	f.tickAt(opened, 48*time.Hour)
	ms := f.sentMessages()
	wantMessages(t, "at the deadline", ms[len(ms)-2:], "office_hook:escalation", "housing_hook:escalation")

	// A Ⅱ case is never held: its 50% point at 22:30 goes out at 22:30.
	f.clock.Set(at(3, 9, 20, 0))
	f.handle(f.item("2", "forum", "", model.SeverityII))
	before := len(f.sentMessages())
	f.tickAt(at(3, 9, 22, 30), 0)
	got := f.sentMessages()[before:]
	if len(got) != 1 || got[0].Kind != model.AlertReminder || !strings.Contains(got[0].Note, "发布权威信息") {
		t.Fatalf("Ⅱ reminder at night: %v", got)
	}
}

func TestRepeatsUntilSigned(t *testing.T) {
	routes := strings.Replace(caseRoutes, "repeat_interval: 0s", "repeat_interval: 4h", 1)
	f := newCaseFixture(t, fixtureOptions{routes: routes})
	t0 := f.clock.Now()
	f.handle(f.item("1", "forum", "", model.SeverityIV))
	f.tickAt(t0, 4*time.Hour)
	f.tickAt(t0, 4*time.Hour) // again, as after a restart
	f.tickAt(t0, 8*time.Hour)
	ms := f.sentMessages()
	wantMessages(t, "unsigned", ms, "housing_hook:new", "housing_hook:repeat", "housing_hook:repeat")
	if !strings.Contains(ms[2].Note, "第 2 次") {
		t.Errorf("second repeat note %q", ms[2].Note)
	}
	c := f.onlyCase("housing")
	if _, changed, err := f.store.TransitionCase(f.ctx, c.ID, model.Transition{Action: model.ActionSign, Actor: "李四"}, t0.Add(9*time.Hour)); err != nil || !changed {
		t.Fatalf("sign: %v, %v", changed, err)
	}
	f.tickAt(t0, 12*time.Hour)
	f.tickAt(t0, 16*time.Hour)
	if n := len(f.sentMessages()); n != 3 {
		t.Errorf("%d messages after signing, want no more repeats", n)
	}
	if c := f.onlyCase("housing"); !c.Schedule.NextRepeatAt.IsZero() || c.Schedule.Repeats != 2 {
		t.Errorf("schedule after signing %+v", c.Schedule)
	}
}

func TestEndedCasesAreLeftAlone(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	t0 := f.clock.Now()
	f.handle(f.item("1", "forum", "", model.SeverityIV))
	c := f.onlyCase("housing")
	if _, _, err := f.store.TransitionCase(f.ctx, c.ID, model.Transition{Action: model.ActionFalseAlarm,
		Actor: "王五", Reason: "广告，非舆情"}, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if ids, err := f.store.DueCases(f.ctx, t0.Add(100*time.Hour), 10); err != nil || len(ids) != 0 {
		t.Errorf("DueCases after a false alarm = %v, %v; want none", ids, err)
	}
	f.tickAt(t0, 100*time.Hour)
	if n := len(f.sentMessages()); n != 1 {
		t.Errorf("%d messages, want only the first", n)
	}
	if c := f.cases(store.CaseFilter{State: model.CaseFalseAlarm}); len(c) != 1 || c[0].Reason != "广告，非舆情" {
		t.Errorf("false alarms = %+v", c)
	}
}
