package alert

import (
	"slices"
	"time"

	"github.com/yuqing/yuqing/model"
)

// queue adds a message about the case and returns it for finishing touches.
func (p *Policy) queue(ch *model.CaseChange, key, kind, note string, receivers []string, due time.Time) *model.CaseMessage {
	ch.Messages = append(ch.Messages, model.CaseMessage{
		Key: key, Receivers: dedupeStrings(receivers), DueAt: due, Alert: p.alert(ch, kind, note),
	})
	return &ch.Messages[len(ch.Messages)-1]
}

// event adds a system row to the audit trail.
func (p *Policy) event(ch *model.CaseChange, action, detail string) {
	ch.Events = append(ch.Events, model.CaseEvent{CaseID: ch.Case.ID, At: ch.Now, Actor: model.ActorSystem,
		Action: action, FromState: ch.Case.State, ToState: ch.Case.State, Detail: detail})
}

// alert builds the message of a case: the item, the case's severity and
// spread, its deadlines and the signed links for what can be done now.
func (p *Policy) alert(ch *model.CaseChange, kind, note string) model.Alert {
	c := ch.Case
	analysis := ch.Item.Analysis
	analysis.Severity = c.Severity
	a := model.Alert{
		Kind: kind, CaseID: c.ID, Department: c.Department, DepartmentName: c.DepartmentName, Lead: c.Lead,
		Item: ch.Item.Item, SourceName: p.sourceNames[ch.Item.Item.SourceID], Analysis: analysis,
		StoryID: c.StoryID, Articles: c.Articles, Sources: len(c.Sources),
		Links: slices.Clone(ch.Links), Note: note, OpenedAt: c.OpenedAt, ClockStart: c.ClockStart, GroupKey: c.GroupKey,
	}
	for i := range a.Links {
		if a.Links[i].SourceName == "" {
			a.Links[i].SourceName = p.sourceNames[a.Links[i].Source]
		}
	}
	if a.DepartmentName == "" {
		a.DepartmentName = p.departments[c.Department].Name
	}
	for _, d := range c.Deadlines {
		// Only what officers need: the ticker's bookkeeping stays out.
		a.Deadlines = append(a.Deadlines, model.Deadline{Kind: d.Kind, Name: d.Name, Due: d.Due, MetAt: d.MetAt})
	}
	a.Actions = p.actions(c, ch.Now)
	return a
}

var actionLabels = map[string]string{
	model.LinkSign: "签收", model.LinkRespond: "回应", model.LinkPress: "登记新闻发布会",
	model.LinkDismiss: "误报/驳回", model.LinkView: "查看",
}

// actions are the signed links for what can be done with the case in its
// state: sign while nobody has, respond until someone has, record the
// press conference a Ⅰ/Ⅱ case owes, dismiss, and view.
func (p *Policy) actions(c model.Case, now time.Time) []model.Action {
	if p.links == nil {
		return nil
	}
	var names []string
	if c.State == model.CaseOpen {
		names = append(names, model.LinkSign)
	}
	if c.RespondedAt.IsZero() && !c.Ended() {
		names = append(names, model.LinkRespond)
	}
	if d, ok := c.Deadline(model.DeadlinePress); ok && !d.Met() && !c.Ended() {
		names = append(names, model.LinkPress)
	}
	if !c.Ended() && c.RespondedAt.IsZero() {
		names = append(names, model.LinkDismiss)
	}
	names = append(names, model.LinkView)
	out := make([]model.Action, 0, len(names))
	for _, n := range names {
		if u := p.links.ActionURL(c.ID, n, now); u != "" {
			out = append(out, model.Action{Name: n, Label: actionLabels[n], URL: u})
		}
	}
	return out
}

func dedupeStrings(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
