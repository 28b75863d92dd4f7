package model

import "time"

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
type Alert struct {
	// Kind is one of the Alert* constants; empty means AlertNew.
	Kind           string   `json:"kind,omitempty"`
	CaseID         int64    `json:"case_id"`
	Department     string   `json:"department"`
	DepartmentName string   `json:"department_name"`
	Lead           bool     `json:"lead,omitempty"`
	Item           Item     `json:"item"`
	Analysis       Analysis `json:"analysis"`
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
}

// Link is one article of a story.
type Link struct {
	Source string `json:"source"`
	Title  string `json:"title"`
	URL    string `json:"url"`
}

// Action is something an officer can do about a case through a signed link.
type Action struct {
	Name  string `json:"name"`  // sign, respond, dismiss, view
	Label string `json:"label"` // 签收, 回应, 误报/驳回, 查看
	URL   string `json:"url"`
}

// ReportNotice announces a finished report to a receiver: email sends the
// HTML body with the PDF attached; chat receivers send the summary and the
// link.
type ReportNotice struct {
	Title   string `json:"title"`   // e.g. 咸宁市舆情周报（2026年第48周）
	Summary string `json:"summary"` // a few lines of Markdown: the headline figures
	URL     string `json:"url,omitempty"`
	HTML    []byte `json:"-"`
	PDF     []byte `json:"-"`
}
