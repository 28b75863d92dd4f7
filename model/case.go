package model

import "time"

// Case states of the response ledger (台账).
const (
	CaseOpen = "open" // 待签收
)

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

// Alert is what a receiver is asked to deliver: a case with the item and the
// analysis that caused it.
type Alert struct {
	CaseID         int64     `json:"case_id"`
	Department     string    `json:"department"`
	DepartmentName string    `json:"department_name"`
	Item           Item      `json:"item"`
	Analysis       Analysis  `json:"analysis"`
	OpenedAt       time.Time `json:"opened_at"`
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
