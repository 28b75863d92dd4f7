package model

import "time"

// Source kinds.
const (
	SourceFeed = "feed" // RSS, Atom or JSON Feed
)

// Source is one place yuqing polls for items.
type Source struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Kind     string        `json:"kind"`
	URL      string        `json:"url"`
	Interval time.Duration `json:"interval"`
	// Weight says how much an item from this source counts when severity is
	// assessed (1 = an ordinary source).
	Weight float64 `json:"weight"`
	// Region is the place the source covers by default, if any.
	Region string `json:"region,omitempty"`
}

// SourceHealth is what yuqing knows about the last polls of a source. It also
// carries the conditional-GET validators so a restart does not refetch
// everything.
type SourceHealth struct {
	SourceID            string    `json:"source"`
	LastAttemptAt       time.Time `json:"last_attempt_at,omitzero"`
	LastSuccessAt       time.Time `json:"last_success_at,omitzero"`
	LastErrorAt         time.Time `json:"last_error_at,omitzero"`
	LastError           string    `json:"last_error,omitempty"`
	ConsecutiveFailures int       `json:"consecutive_failures"`
	ItemsSeen           int64     `json:"items_seen"`
	NextPollAt          time.Time `json:"next_poll_at,omitzero"`
	ETag                string    `json:"etag,omitempty"`
	LastModified        string    `json:"last_modified,omitempty"`
}

// Healthy reports whether the last poll succeeded.
func (h SourceHealth) Healthy() bool { return h.ConsecutiveFailures == 0 }
