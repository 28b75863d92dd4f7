package model

import "time"

// Case states of the response ledger (台账). A case moves forward from open;
// false_alarm and rejected end it with a reason (kept to tune the rules).
const (
	CaseOpen       = "open"        // 待签收
	CaseSigned     = "signed"      // 已签收
	CaseHandling   = "handling"    // 处置中
	CaseResponded  = "responded"   // 已回应
	CaseClosed     = "closed"      // 已办结
	CaseFalseAlarm = "false_alarm" // 误报
	CaseRejected   = "rejected"    // 驳回
)

// Deadline kinds: what is owed by when under the State Council rules.
const (
	DeadlineFirstInfo = "first_info"       // 发布权威信息 (Ⅰ/Ⅱ: 5 h)
	DeadlinePress     = "press_conference" // 召开新闻发布会 (Ⅰ/Ⅱ: 24 h)
	DeadlineResponse  = "response"         // 予以回应 (others: 48 h)
)

// Deadline is one statutory deadline of a case. MetAt is zero until what is
// owed has been done.
type Deadline struct {
	Kind  string    `json:"kind"`
	Name  string    `json:"name"` // Chinese, e.g. 发布权威信息
	Due   time.Time `json:"due"`
	MetAt time.Time `json:"met_at,omitzero"`
}

// Case is the response owed by one department for one item (later: story).
type Case struct {
	ID         int64     `json:"id"`
	ItemID     string    `json:"item_id"`
	StoryID    string    `json:"story_id,omitempty"`
	Department string    `json:"department"`
	State      string    `json:"state"`
	Lead       bool      `json:"lead"`
	Topics     []string  `json:"topics"`
	Severity   Severity  `json:"severity,omitzero"`
	OpenedAt   time.Time `json:"opened_at"`
}

// Delivery is one alert queued for one receiver in the durable outbox.
type Delivery struct {
	ID            int64     `json:"id"`
	CaseID        int64     `json:"case_id"`
	Receiver      string    `json:"receiver"`
	Payload       []byte    `json:"-"`
	Attempts      int       `json:"attempts"`
	CreatedAt     time.Time `json:"created_at"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	LastError     string    `json:"last_error,omitempty"`
}

// CaseOpening asks for a case to be opened for one department and its alert
// to be queued for each of the department's receivers.
type CaseOpening struct {
	Department     string   `json:"department"`
	DepartmentName string   `json:"department_name"`
	Receivers      []string `json:"receivers"`
	// Lead is true for the responsible department, false for co-responders.
	Lead bool `json:"lead"`
	// Topics are the topics that brought the case to this department; empty
	// means all topics of the item.
	Topics []string `json:"topics,omitempty"`
}
