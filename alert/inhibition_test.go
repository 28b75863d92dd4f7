package alert_test

import (
	"slices"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

// TestEscalatedLeadInhibitsItsCoResponders: a story in 通城县 is the county's
// case (lead) and the housing bureau's (co-responder). Both are reminded;
// when the deadline passes, only the lead's case reaches the supervising
// office, and the co-responder's is recorded as inhibited.
func TestEscalatedLeadInhibitsItsCoResponders(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	t0 := f.clock.Now()
	f.handle(f.item("1", "forum", "s1", model.SeverityIV, "通城县"))
	lead, co := f.onlyCase("tongcheng"), f.onlyCase("housing")
	if !lead.Lead || co.Lead || co.ID > lead.ID {
		// The co-responder's case is opened first (department order), so
		// escalating the lead first is the clock's ordering, not luck.
		t.Fatalf("lead %d (%v), co-responder %d (%v)", lead.ID, lead.Lead, co.ID, co.Lead)
	}
	f.tickAt(t0, 24*time.Hour)
	wantMessages(t, "50%: both are reminded, the lead first", f.sentMessages()[2:], "tongcheng_hook:reminder", "housing_hook:reminder")
	f.tickAt(t0, 48*time.Hour)
	wantMessages(t, "100%", f.sentMessages()[4:], "office_hook:escalation", "tongcheng_hook:escalation")
	if got := f.events(co.ID); !slices.Contains(got, "inhibited") || slices.Contains(got, "escalated") {
		t.Errorf("co-responder's events %v: want inhibited, not escalated", got)
	}
	if c := f.onlyCase("housing"); !c.EscalatedAt.IsZero() {
		t.Errorf("co-responder's case escalated at %v", c.EscalatedAt)
	}
}

// TestLowerCaseEscalatesWhenTheLeadIsOnTime: inhibition only runs
// downwards, and only while the case above is overdue or escalated.
func TestLowerCaseEscalatesWhenTheLeadIsOnTime(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	t0 := f.clock.Now()
	f.handle(f.item("1", "forum", "s1", model.SeverityIV, "通城县"))
	lead := f.onlyCase("tongcheng")
	if _, _, err := f.store.TransitionCase(f.ctx, lead.ID, model.Transition{Action: model.ActionRespond,
		Actor: "县政府办", ResponseText: "已约谈开发商，限期复工"}, t0.Add(30*time.Hour)); err != nil {
		t.Fatal(err)
	}
	f.tickAt(t0, 48*time.Hour)
	ms := f.sentMessages()
	wantMessages(t, "100%", ms[len(ms)-2:], "office_hook:escalation", "housing_hook:escalation")
}
