package web

import (
	"fmt"
	"time"

	"github.com/yuqing/yuqing/model"
)

// pageView is what the action page template shows.
type pageView struct {
	Heading string
	Message string
	Failed  bool
	Case    *caseView
	// Form is the link's action while it can still be done ("" shows no
	// form); PostURL is the signed link itself.
	Form    string
	PostURL string
	Input   formInput
	Events  []eventView
}

// formInput is what the officer typed, shown again when it was refused.
type formInput struct {
	Name, URL, Text, At, Kind, Reason string
}

type caseView struct {
	ID                                 int64
	Title, URL                         string
	Department, Role, State, Severity  string
	Spread, ClockStart, Opened, Topics string
	Response, Reason                   string
	Deadlines                          []deadlineView
	Links                              []model.Link
}

type deadlineView struct {
	Name, Due, Status string
	Late              bool
}

type eventView struct {
	At, Actor, Action, Detail string
}

var linkHeadings = map[string]string{
	model.LinkSign: "签收案件", model.LinkRespond: "登记回应", model.LinkPress: "登记新闻发布会",
	model.LinkDismiss: "误报 / 驳回", model.LinkView: "案件详情",
}

func (c *Console) caseView(cs model.Case, links []model.Link, now time.Time) *caseView {
	v := &caseView{ID: cs.ID, Title: cs.Title, URL: cs.URL, Department: cs.DepartmentName,
		Role: "协办", State: model.StateName(cs.State), Severity: "未评估",
		Spread:     fmt.Sprintf("%d 个来源、%d 篇报道", len(cs.Sources), cs.Articles),
		ClockStart: c.when(cs.ClockStart), Opened: c.when(cs.OpenedAt), Links: links, Reason: cs.Reason}
	if v.Department == "" {
		v.Department = cs.Department
	}
	if cs.Lead {
		v.Role = "牵头"
	}
	if cs.Severity != model.SeverityNone {
		v.Severity = fmt.Sprintf("%s级（%s，%s色）", cs.Severity.Roman(), cs.Severity.Name(), cs.Severity.Color())
	}
	for i, t := range cs.Topics {
		if i > 0 {
			v.Topics += "、"
		}
		if name := c.topicNames[t]; name != "" {
			t = name
		}
		v.Topics += t
	}
	switch {
	case cs.ResponseURL != "" && cs.ResponseText != "":
		v.Response = cs.ResponseText + "（" + cs.ResponseURL + "）"
	case cs.ResponseURL != "":
		v.Response = cs.ResponseURL
	default:
		v.Response = cs.ResponseText
	}
	for _, d := range cs.Deadlines {
		v.Deadlines = append(v.Deadlines, c.deadlineView(d, now))
	}
	return v
}

func (c *Console) deadlineView(d model.Deadline, now time.Time) deadlineView {
	v := deadlineView{Name: d.Name, Due: c.when(d.Due)}
	switch {
	case d.OnTime():
		v.Status = "已于 " + c.when(d.MetAt) + " 完成（按时）"
	case d.Met():
		v.Status, v.Late = "已于 "+c.when(d.MetAt)+" 完成（超时 "+humanDuration(d.MetAt.Sub(d.Due))+"）", true
	case d.Due.After(now):
		v.Status = "剩余 " + humanDuration(d.Due.Sub(now))
	default:
		v.Status, v.Late = "已超时 "+humanDuration(now.Sub(d.Due)), true
	}
	return v
}

// systemEvents names the audit rows yuqing itself writes.
var systemEvents = map[string]string{
	"opened": "立案", model.AlertUpdate: "事态更新", model.AlertReminder: "时限提醒", model.AlertRepeat: "重复通知",
	"escalated": "超时督办", "inhibited": "提醒抑制", "silenced": "静默", "deadlines": "新增时限",
}

func (c *Console) eventViews(events []model.CaseEvent) []eventView {
	out := make([]eventView, 0, len(events))
	for _, e := range events {
		action := model.ActionName(e.Action)
		if name, ok := systemEvents[e.Action]; ok && e.Actor == model.ActorSystem {
			action = name
		}
		if e.FromState != e.ToState {
			action += "（" + model.StateName(e.FromState) + " → " + model.StateName(e.ToState) + "）"
		}
		actor := e.Actor
		if actor == model.ActorSystem {
			actor = "系统"
		}
		out = append(out, eventView{At: c.when(e.At), Actor: actor, Action: action, Detail: e.Detail})
	}
	return out
}

// when writes a time for officers, in the console's zone.
func (c *Console) when(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(c.loc).Format("2006年1月2日 15:04")
}

// humanDuration writes a duration as 2天5小时, 3小时20分 or 45分钟.
func humanDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, minutes := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%d天%d小时", days, hours)
	case hours > 0:
		return fmt.Sprintf("%d小时%d分", hours, minutes)
	}
	return fmt.Sprintf("%d分钟", minutes)
}
