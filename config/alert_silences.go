package config

import (
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/yuqing/yuqing/model"
)

// SilenceSpec is a silence written in the configuration: it mutes a story,
// a topic or a source (every field set must match) from Starts (default:
// always) until Ends.
type SilenceSpec struct {
	Story  string    `yaml:"story"`
	Topic  string    `yaml:"topic"`
	Source string    `yaml:"source"`
	Starts Timestamp `yaml:"starts"`
	Ends   Timestamp `yaml:"ends"`
	Reason string    `yaml:"reason"`
	Author string    `yaml:"author"`
	Pos    Pos       `yaml:"-"`
}

// Model returns the domain form of the silence.
func (s SilenceSpec) Model() model.Silence {
	starts := time.Time(s.Starts)
	if starts.IsZero() {
		starts = time.Unix(0, 0).UTC()
	}
	return model.Silence{StoryID: s.Story, Topic: s.Topic, Source: s.Source,
		StartsAt: starts, EndsAt: time.Time(s.Ends), Reason: s.Reason, Author: s.Author, FromConfig: true}
}

// Timestamp is a point in time written as RFC 3339, or as
// "2006-01-02 15:04" or "2006-01-02" in Beijing time.
type Timestamp time.Time

var timestampLayouts = []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"}

// ParseTimestamp reads a Timestamp.
func ParseTimestamp(s string) (Timestamp, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return Timestamp(t.UTC()), nil
	}
	beijing := time.FixedZone("CST", 8*3600)
	for _, layout := range timestampLayouts {
		if t, err := time.ParseInLocation(layout, s, beijing); err == nil {
			return Timestamp(t.UTC()), nil
		}
	}
	return Timestamp{}, fmt.Errorf("invalid time %q (want 2006-01-02 15:04 in Beijing time, or RFC 3339)", s)
}

func (t *Timestamp) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseTimestamp(n.Value)
	if err != nil {
		return valueError(n, err)
	}
	*t = v
	return nil
}

func (t Timestamp) MarshalYAML() (any, error) {
	if time.Time(t).IsZero() {
		return "", nil
	}
	return time.Time(t).Format(time.RFC3339), nil
}
