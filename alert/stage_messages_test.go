package alert_test

import (
	"slices"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
)

// Messages name a source as configured (香城论坛), not by its id; a source
// that is no longer configured keeps its id alone.
func TestAlertsCarrySourceNames(t *testing.T) {
	names := map[string]string{"xcbbs": "香城论坛", "xnnews": "咸宁新闻网"}
	f := newCaseFixture(t, fixtureOptions{sourceNames: names})
	t0 := f.clock.Now()
	f.handle(f.item("1", "xcbbs", "s-1", model.SeverityII))
	f.clock.Set(t0.Add(time.Minute))
	f.handle(f.item("2", "xnnews", "s-1", model.SeverityII), f.item("3", "gone", "s-1", model.SeverityII))
	names["xcbbs"] = "changed after the policy was made"

	first := f.sentMessages()[0].Alert
	if first.Item.SourceID != "xcbbs" || first.SourceName != "香城论坛" {
		t.Errorf("new case: source %q named %q, want xcbbs named 香城论坛", first.Item.SourceID, first.SourceName)
	}
	if n := f.tickAt(t0, 150*time.Minute); n == 0 { // 50% of 发布权威信息
		t.Fatal("no reminder at half the first deadline")
	}
	var reminder model.Alert
	for _, m := range f.sentMessages() {
		if m.Kind == model.AlertReminder {
			reminder = m.Alert
		}
	}
	if reminder.Kind != model.AlertReminder || reminder.SourceName != "香城论坛" {
		t.Errorf("reminder %q names its first article's source %q, want 香城论坛", reminder.Kind, reminder.SourceName)
	}
	var got []string
	for _, l := range reminder.Links {
		got = append(got, l.Source+"="+l.SourceName)
	}
	slices.Sort(got)
	if want := []string{"gone=", "xcbbs=香城论坛", "xnnews=咸宁新闻网"}; !slices.Equal(got, want) {
		t.Errorf("links %v, want %v", got, want)
	}
}

// Without names (none configured) alerts carry the ids alone, as before.
func TestAlertsWithoutSourceNames(t *testing.T) {
	f := newCaseFixture(t, fixtureOptions{})
	f.handle(f.item("1", "xcbbs", "s-1", model.SeverityIII))
	a := f.sentMessages()[0].Alert
	if a.SourceName != "" || a.Item.SourceID != "xcbbs" {
		t.Errorf("source %q named %q, want xcbbs without a name", a.Item.SourceID, a.SourceName)
	}
}
