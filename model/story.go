package model

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// NewStoryID is the id of the story an article starts. It is derived from
// the article's id, so that an article redelivered after a crash starts the
// same story.
func NewStoryID(itemID string) string {
	sum := sha256.Sum256([]byte(itemID))
	return "s" + hex.EncodeToString(sum[:8])
}

// StoryMember is one article as the story index sees it: where it comes
// from and its fingerprint.
type StoryMember struct {
	ItemID   string    `json:"item_id"`
	SourceID string    `json:"source"`
	Title    string    `json:"title"`
	URL      string    `json:"url,omitempty"`
	At       time.Time `json:"at"`
	// Signature is the article's near-duplicate fingerprint (opaque to the
	// store) and Bands its index keys; both are empty for a text too short
	// to compare, which then starts a story of its own.
	Signature []byte  `json:"-"`
	Bands     []int64 `json:"-"`
}

// StorySpread is how far a story has reached, as of an article joining it.
type StorySpread struct {
	StoryID   string    `json:"story_id"`
	Articles  int       `json:"articles"`
	Sources   int       `json:"sources"`
	FirstSeen time.Time `json:"first_seen"`
	// New is true when the article started the story.
	New bool `json:"new,omitempty"`
}

// Surge scopes and windows.
const (
	SurgeTopic = "topic"
	SurgeStory = "story"
	SurgeHour  = "hour"
	SurgeDay   = "day"
)

// Surge is a spike: a topic or a story has more articles in its latest hour
// or day than its baseline allows. It is published on the bus as an event.
type Surge struct {
	// ID is stable for one scope, key, window and window start, so that
	// the same spike is announced once.
	ID     string `json:"id"`
	Scope  string `json:"scope"`  // SurgeTopic or SurgeStory
	Key    string `json:"key"`    // topic id or story id
	Name   string `json:"name"`   // topic name or story title
	Window string `json:"window"` // SurgeHour or SurgeDay
	// Start and End bound the window (End may be in the future: the window
	// is still open when the spike is seen).
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Count int       `json:"count"`
	// Baseline is the median (method mad) or mean (sigma) of the windows
	// before, Deviation the MAD or σ, Threshold = Baseline + K·Deviation
	// (never below the configured minimum count).
	Method     string    `json:"method"`
	K          float64   `json:"k"`
	Baseline   float64   `json:"baseline"`
	Deviation  float64   `json:"deviation"`
	Threshold  float64   `json:"threshold"`
	History    int       `json:"history"` // windows in the baseline
	DetectedAt time.Time `json:"detected_at"`
}
