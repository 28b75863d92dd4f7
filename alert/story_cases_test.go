package alert_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

// TestStoryGrowsItsCase follows one story end to end through the stage:
// later articles grow the department's one case, and an update goes out
// only when it matters (a threshold of sources, a rise in severity), no
// more often than group_interval unless the story became major.
func TestStoryGrowsItsCase(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	t0 := f.clock.Now()
	first := f.item("a", "forum", "s1", model.SeverityIV)
	f.handle(first)
	wantMessages(t, "first article", f.sentMessages(), "housing_hook:new")

	f.clock.Set(t0.Add(10 * time.Minute))
	f.handle(f.item("b", "weibo", "s1", model.SeverityIV), first)
	c := f.onlyCase("housing")
	if c.Articles != 2 || !slices.Equal(c.Sources, []string{"forum", "weibo"}) || c.ItemID != first.Item.ID {
		t.Fatalf("after a second source: %d articles from %v (first item %s)", c.Articles, c.Sources, c.ItemID)
	}
	wantMessages(t, "a second source is not worth a message", f.sentMessages(), "housing_hook:new")

	// A third source crosses the threshold, but the department heard of
	// the case 20 minutes ago: the update waits for group_interval (1h).
	f.clock.Set(t0.Add(20 * time.Minute))
	f.handle(f.item("c", "news", "s1", model.SeverityIV))
	wantMessages(t, "within group_interval", f.sentMessages(), "housing_hook:new")
	if due := f.onlyCase("housing").Schedule.UpdateDueAt; !due.Equal(t0.Add(time.Hour)) {
		t.Fatalf("update held until %v, want +1h", due)
	}
	f.tickAt(t0, 59*time.Minute)
	f.tickAt(t0, time.Hour)
	ms := f.sentMessages()
	wantMessages(t, "after group_interval", ms, "housing_hook:new", "housing_hook:update")
	if ms[1].Note != "事态更新：已有 3 个来源、3 篇报道" || ms[1].Alert.Articles != 3 || ms[1].Alert.Sources != 3 {
		t.Errorf("update = %q with %d articles, %d sources", ms[1].Note, ms[1].Alert.Articles, ms[1].Alert.Sources)
	}

	// Ten minutes later the story turns major: that goes out at once, and
	// the case now owes the Ⅰ/Ⅱ deadlines too.
	f.clock.Set(t0.Add(70 * time.Minute))
	f.handle(f.item("d", "forum", "s1", model.SeverityII))
	ms = f.sentMessages()
	wantMessages(t, "severity rose", ms, "housing_hook:new", "housing_hook:update", "housing_hook:update")
	up := ms[2].Alert
	if !strings.Contains(up.Note, "等级升至Ⅱ（重大）") || up.Analysis.Severity != model.SeverityII || up.Articles != 4 {
		t.Errorf("severity update = %q, severity %v, %d articles", up.Note, up.Analysis.Severity, up.Articles)
	}
	c = f.onlyCase("housing")
	var got []string
	for _, d := range c.Deadlines {
		got = append(got, d.Kind)
	}
	if c.Severity != model.SeverityII || !slices.Equal(got, []string{model.DeadlineFirstInfo, model.DeadlinePress, model.DeadlineResponse}) {
		t.Errorf("case severity %v, deadlines %v", c.Severity, got)
	}
	if d, _ := c.Deadline(model.DeadlineFirstInfo); !d.Due.Equal(t0.Add(5 * time.Hour)) {
		t.Errorf("发布权威信息 due %v, want 5 h after the story's first article", d.Due)
	}
	// A less severe article later never lowers the case.
	f.handle(f.item("e", "forum", "s1", model.SeverityIV))
	if c := f.onlyCase("housing"); c.Severity != model.SeverityII || c.Articles != 5 {
		t.Errorf("after a Ⅳ article: severity %v, %d articles", c.Severity, c.Articles)
	}
	if n := len(f.cases(storyFilter("s1"))); n != 1 {
		t.Errorf("story s1 has %d cases, want 1", n)
	}
}

func TestGroupWaitGathersABurst(t *testing.T) {
	routes := strings.Replace(caseRoutes, "group_wait: 0s", "group_wait: 10s", 1)
	f := newCaseFixture(t, fixtureOptions{routes: routes})
	t0 := f.clock.Now()
	steps := []struct {
		at    time.Duration
		story string
		sev   model.Severity
		due   time.Duration
	}{
		{0, "x", model.SeverityIV, 10 * time.Second},
		{3 * time.Second, "y", model.SeverityIII, 10 * time.Second}, // joins the burst
		{4 * time.Second, "z", model.SeverityII, 4 * time.Second},   // major: never waits
		{20 * time.Second, "w", model.SeverityIV, 30 * time.Second}, // the burst went: a new one
	}
	for i, st := range steps {
		f.clock.Set(t0.Add(st.at))
		f.handle(f.item(st.story, "forum", st.story, st.sev))
		ms := f.sentMessages()
		if got := ms[len(ms)-1].Due; !got.Equal(t0.Add(st.due)) {
			t.Errorf("step %d: first message due at +%v, want +%v", i, got.Sub(t0), st.due)
		}
	}
}

func TestActionLinksFollowTheCase(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{links: fakeLinker{}})
	t0 := f.clock.Now()
	f.handle(f.item("1", "forum", "", model.SeverityII))
	a := f.sentMessages()[0].Alert
	var names, labels []string
	for _, act := range a.Actions {
		names, labels = append(names, act.Name), append(labels, act.Label)
		if !strings.HasPrefix(act.URL, "https://yuqing.example/act/") {
			t.Errorf("action URL %q", act.URL)
		}
	}
	if !slices.Equal(names, []string{"sign", "respond", "press", "dismiss", "view"}) ||
		!slices.Equal(labels, []string{"签收", "回应", "登记新闻发布会", "误报/驳回", "查看"}) {
		t.Errorf("actions %v %v", names, labels)
	}
	if len(a.Deadlines) != 2 || a.Deadlines[0].Name != "发布权威信息" || a.Deadlines[0].NextCheckAt != (time.Time{}) {
		t.Errorf("alert deadlines %+v: want the two Ⅰ/Ⅱ deadlines without the clock's bookkeeping", a.Deadlines)
	}
	c := f.onlyCase("housing")
	if _, _, err := f.store.TransitionCase(f.ctx, c.ID, model.Transition{Action: model.ActionSign, Actor: "张三"}, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	f.tickAt(t0, 150*time.Minute) // 50% of 发布权威信息
	ms := f.sentMessages()
	names = nil
	for _, act := range ms[len(ms)-1].Alert.Actions {
		names = append(names, act.Name)
	}
	if !slices.Equal(names, []string{"respond", "press", "dismiss", "view"}) {
		t.Errorf("actions of a signed case %v: want no sign link", names)
	}
}

type fakeLinker struct{}

func (fakeLinker) ActionURL(caseID int64, action string, _ time.Time) string {
	return "https://yuqing.example/act/" + strings.Repeat("x", int(caseID)) + "/" + action
}
