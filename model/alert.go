package model

import (
	"errors"
	"strings"
	"time"
)

// Alert kinds: why a message about a case is sent.
const (
	AlertNew        = "new"        // a case was opened
	AlertUpdate     = "update"     // the story grew or its severity rose
	AlertRepeat     = "repeat"     // still unanswered after the repeat interval
	AlertReminder   = "reminder"   // a deadline is half or four fifths gone
	AlertEscalation = "escalation" // a deadline passed: to the supervising office
)

// Alert is what a receiver is asked to deliver: a case with the item and the
// analysis that caused it, and what the officer can do about it.
//
// An alert is about one case. Alerts of one group (same GroupKey) that a
// burst brought in are queued due at the same time, so that a receiver may
// merge the ones it finds due together into one digest message.
type Alert struct {
	// Kind is one of the Alert* constants; empty means AlertNew.
	Kind           string `json:"kind,omitempty"`
	CaseID         int64  `json:"case_id"`
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	Lead           bool   `json:"lead,omitempty"`
	// Item is the item that caused the message: the newest article for an
	// update, the case's first article for reminders and escalations.
	Item Item `json:"item"`
	// SourceName is the display name of the item's source (e.g. 香城论坛)
	// as configured; empty when the source is not configured any more.
	SourceName string `json:"source_name,omitempty"`
	// Analysis is the item's, except that Severity is the case's: the
	// highest the story has reached.
	Analysis Analysis `json:"analysis"`
	// Story: how far the item's story has spread so far.
	StoryID  string `json:"story_id,omitempty"`
	Articles int    `json:"articles,omitempty"`
	Sources  int    `json:"sources,omitempty"`
	// Links are further articles of the story.
	Links     []Link     `json:"links,omitempty"`
	Deadlines []Deadline `json:"deadlines,omitempty"`
	// Actions are signed links to the web console (签收, 回应, 误报 …).
	Actions []Action `json:"actions,omitempty"`
	// Note says in Chinese why this message is sent when it is not a new
	// case, e.g. "距发布权威信息时限还剩 1 小时".
	Note     string    `json:"note,omitempty"`
	OpenedAt time.Time `json:"opened_at"`
	// ClockStart is when the deadlines are counted from (the earliest known
	// time of the story).
	ClockStart time.Time `json:"clock_start,omitzero"`
	// GroupKey names the group the case belongs to (department and the
	// route's group_by values).
	GroupKey string `json:"group_key,omitempty"`
	// Escalation is set on escalations: the supervising office the missed
	// deadline is reported to.
	EscalatedTo     string `json:"escalated_to,omitempty"`
	EscalatedToName string `json:"escalated_to_name,omitempty"`
}

// Action names of the signed links in an alert.
const (
	LinkSign    = "sign"    // 签收
	LinkRespond = "respond" // 回应
	LinkPress   = "press"   // 发布会 (Ⅰ/Ⅱ cases)
	LinkDismiss = "dismiss" // 误报/驳回
	LinkView    = "view"    // 查看
)

// Link is one article of a story. Source is the source's id; SourceName
// its display name where the alert's builder knows it.
type Link struct {
	Source     string `json:"source"`
	SourceName string `json:"source_name,omitempty"`
	Title      string `json:"title"`
	URL        string `json:"url"`
}

// Action is something an officer can do about a case through a signed link.
type Action struct {
	Name  string `json:"name"`  // sign, respond, dismiss, view
	Label string `json:"label"` // 签收, 回应, 误报/驳回, 查看
	URL   string `json:"url"`
}

// ReportNotice announces a finished report to a receiver: email sends the
// HTML body, its charts as inline images and the PDF attached; chat
// receivers send the summary and the link.
type ReportNotice struct {
	Title   string `json:"title"`   // e.g. 咸宁市舆情周报（2026年第48周）
	Summary string `json:"summary"` // a few lines of Markdown: the headline figures
	URL     string `json:"url,omitempty"`
	HTML    []byte `json:"-"`
	// Images are the pictures HTML shows as <img src="cid:ContentID">:
	// many mail clients (Gmail, Outlook, Coremail) do not show data: URIs.
	Images []InlineImage `json:"-"`
	PDF    []byte        `json:"-"`
}

// InlineImage is an image an HTML email body refers to by Content-ID; it
// travels as an inline part of the message (multipart/related).
type InlineImage struct {
	// ContentID is the id without angle brackets, as the HTML's cid: URL
	// names it, e.g. chart01.areas@yuqing.report.
	ContentID string
	// Name is the file name a client offers when the image is saved.
	Name        string
	ContentType string // e.g. image/png
	Data        []byte
}

// Silence mutes items and cases for a while: those of a story, a topic or a
// source, or a combination (every field set must match). A muted item opens
// no case and sends nothing; a muted case sends no reminders, repeats or
// escalations.
type Silence struct {
	ID        int64     `json:"id"`
	StoryID   string    `json:"story_id,omitempty"`
	Topic     string    `json:"topic,omitempty"`
	Source    string    `json:"source,omitempty"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Reason    string    `json:"reason"`
	Author    string    `json:"author"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	// FromConfig marks a silence written in the configuration (it cannot
	// be ended through the API).
	FromConfig bool `json:"from_config,omitempty"`
}

// Validate checks that the silence names something and has a reason, an
// author and a period.
func (s Silence) Validate() error {
	switch {
	case s.StoryID == "" && s.Topic == "" && s.Source == "":
		return errors.New("a silence needs a story, a topic or a source")
	case strings.TrimSpace(s.Reason) == "":
		return errors.New("a silence needs a reason")
	case strings.TrimSpace(s.Author) == "":
		return errors.New("a silence needs an author")
	case !s.EndsAt.After(s.StartsAt):
		return errors.New("a silence must end after it starts")
	}
	return nil
}

// ActiveAt reports whether the silence holds at t.
func (s Silence) ActiveAt(t time.Time) bool { return !t.Before(s.StartsAt) && t.Before(s.EndsAt) }

// Mutes reports whether the silence covers one topic of an item of the
// given story from the given source.
func (s Silence) Mutes(story, topic, source string) bool {
	return (s.StoryID == "" || s.StoryID == story) && (s.Topic == "" || s.Topic == topic) &&
		(s.Source == "" || s.Source == source)
}
