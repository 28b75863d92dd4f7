package model

import "time"

// Timeliness is how one department answered its cases over a period: the
// plan's three "100%" targets (on time, responded, satisfied) are read from
// it. The case ledger computes it; reports print it.
type Timeliness struct {
	Department     string `json:"department"`
	DepartmentName string `json:"department_name"`
	// Cases opened in the period, and what became of them.
	Cases       int `json:"cases"`
	Signed      int `json:"signed"`
	Responded   int `json:"responded"` // responded or closed
	FalseAlarms int `json:"false_alarms"`
	// OnTime counts cases whose every deadline was met in time; Overdue
	// those with a deadline missed (met late, or not met by the period end).
	OnTime            int           `json:"on_time"`
	Overdue           int           `json:"overdue"`
	MeanTimeToSign    time.Duration `json:"mean_time_to_sign"`
	MeanTimeToRespond time.Duration `json:"mean_time_to_respond"`
	OverdueCases      []OverdueCase `json:"overdue_cases,omitempty"`
}

// OverdueCase is one missed deadline, listed in reports.
type OverdueCase struct {
	CaseID   int64     `json:"case_id"`
	Title    string    `json:"title"`
	Deadline string    `json:"deadline"` // Chinese name, e.g. 发布权威信息
	Due      time.Time `json:"due"`
	MetAt    time.Time `json:"met_at,omitzero"` // zero: still not met
}

// StorySummary is one story (an article and its reprints across sources)
// as reports list it.
type StorySummary struct {
	StoryID   string    `json:"story_id"`
	Title     string    `json:"title"`
	URL       string    `json:"url"`
	Topics    []string  `json:"topics"`
	Regions   []string  `json:"regions,omitempty"`
	Severity  Severity  `json:"severity,omitzero"`
	Articles  int       `json:"articles"`
	Sources   int       `json:"sources"`
	FirstSeen time.Time `json:"first_seen"`
	Links     []Link    `json:"links,omitempty"`
}
