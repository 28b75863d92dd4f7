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

// StatsQuery selects what a report counts: items of the half-open period
// [From, To), and cases opened in it.
type StatsQuery struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// Topics keeps only items tagged with one of these topics; empty keeps
	// every item (a city-wide report).
	Topics []string `json:"topics,omitempty"`
	// Department keeps only this department's cases; empty keeps all.
	Department string `json:"department,omitempty"`
}

// ItemTotals counts the distinct items of a period and the negative ones
// among them.
type ItemTotals struct {
	Items    int64 `json:"items"`
	Negative int64 `json:"negative"`
}

// TopicCount counts the items of one hot-topic area in a period.
type TopicCount struct {
	Topic    string `json:"topic"`
	Items    int64  `json:"items"`
	Negative int64  `json:"negative"`
}

// RegionCount counts the items that mention one place in a period.
type RegionCount struct {
	Region string `json:"region"`
	Items  int64  `json:"items"`
}

// SeverityCount counts the cases opened in a period at one severity tier,
// and the distinct events (stories, else items) they are about.
type SeverityCount struct {
	Severity Severity `json:"severity"`
	Cases    int      `json:"cases"`
	Events   int      `json:"events"`
}

// SourceActivity is what a source delivered in a period, with its current
// health, so that reports can list the sources that went silent.
type SourceActivity struct {
	SourceID string `json:"source"`
	Name     string `json:"name"`
	Active   bool   `json:"active"`
	// Items stored from the source in the period.
	Items int64 `json:"items"`
	// LastItemAt is the newest item before the period's end (zero: none).
	LastItemAt time.Time    `json:"last_item_at,omitzero"`
	Health     SourceHealth `json:"health"`
}

// ArchivedReport is one rendering of a finished report kept in the store
// and served over HTTP. Token is the unguessable part of its link.
type ArchivedReport struct {
	Period    string    `json:"period"` // ISO week, e.g. 2026-W48
	Scope     string    `json:"scope"`  // department code; empty: city-wide
	Format    string    `json:"format"` // html, md, json or pdf
	Token     string    `json:"token"`
	Title     string    `json:"title"`
	Content   []byte    `json:"-"`
	Bytes     int       `json:"bytes"`
	CreatedAt time.Time `json:"created_at"`
}
