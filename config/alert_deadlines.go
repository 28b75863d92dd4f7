package config

import (
	"time"

	"github.com/yuqing/yuqing/model"
)

// Deadlines configures the statutory deadlines of cases and what happens as
// they near and pass.
type Deadlines struct {
	// Rules say which deadlines a case of each severity owes. Default: the
	// State Council rules (国办发〔2016〕61号, 80号): Ⅰ/Ⅱ → 发布权威信息 in 5 h
	// and 召开新闻发布会 in 24 h; Ⅲ, Ⅳ and unassessed → 予以回应 in 48 h.
	Rules []DeadlineRule `yaml:"rules"`
	// Reminders are the shares of a deadline's time (percent, below 100)
	// at which the department is reminded. Default [50, 80].
	Reminders []int `yaml:"reminders"`
	// EscalateTo is the supervising office told when a deadline passes
	// unmet (with the department itself). Default: the coordinator.
	EscalateTo string `yaml:"escalate_to"`
	// MaxBackdate bounds how far before its detection a story's clock may
	// start. A story is clocked from its earliest known time, but one
	// published days before yuqing saw it (a source added with a backlog)
	// would otherwise open already overdue. Default 24h; 0 is not allowed.
	MaxBackdate Duration `yaml:"max_backdate"`
	// Tick is how often deadlines, repeats and held-back updates are
	// checked. Default 1m.
	Tick Duration `yaml:"tick"`
}

// DeadlineRule is one deadline owed by cases of some severities.
type DeadlineRule struct {
	// Kind is first_info, press_conference or response: responding to a
	// case meets first_info and response; the press conference is recorded
	// on its own.
	Kind string `yaml:"kind"`
	// Name is shown to officers; default the kind's statutory name.
	Name string `yaml:"name"`
	// Severities lists I, II, III, IV and "none" (not assessed).
	Severities []string `yaml:"severities"`
	// Within is the time allowed from the story's clock start.
	Within Duration `yaml:"within"`
	Pos    Pos      `yaml:"-"`
}

// Updates says when a story that grew is worth a message: when the number
// of its sources, or of its articles, reaches one of these thresholds (a
// rise in severity always is).
type Updates struct {
	Sources  []int `yaml:"sources"`  // default [3, 5, 10, 20, 50]
	Articles []int `yaml:"articles"` // default [10, 30, 100, 300]
}

// Links configures the signed action links in messages.
type Links struct {
	// Secret is the HMAC key (at least 32 characters). Empty: a random key
	// kept in data_dir/links.key (every instance sharing the database needs
	// the same key: set it when running several).
	Secret     Secret `yaml:"secret"`
	SecretFile string `yaml:"secret_file"`
	// TTL is how long a link stays valid. Default 7d.
	TTL Duration `yaml:"ttl"`
}

// DeadlineNames are the statutory names of the deadline kinds.
var DeadlineNames = map[string]string{
	model.DeadlineFirstInfo: "发布权威信息",
	model.DeadlinePress:     "召开新闻发布会",
	model.DeadlineResponse:  "予以回应",
}

// Defaults of the alerting rules.
const (
	DefaultMaxBackdate = 24 * time.Hour
	DefaultTick        = time.Minute
	DefaultLinkTTL     = 7 * 24 * time.Hour
	// SeverityNoneName stands for "not assessed" in severities lists.
	SeverityNoneName = "none"
)

// DefaultReminders are the reminder points, in percent of the time.
func DefaultReminders() []int { return []int{50, 80} }

// DefaultDeadlineRules are the State Council's deadlines.
func DefaultDeadlineRules() []DeadlineRule {
	return []DeadlineRule{
		{Kind: model.DeadlineFirstInfo, Name: DeadlineNames[model.DeadlineFirstInfo],
			Severities: []string{"I", "II"}, Within: Duration(5 * time.Hour)},
		{Kind: model.DeadlinePress, Name: DeadlineNames[model.DeadlinePress],
			Severities: []string{"I", "II"}, Within: Duration(24 * time.Hour)},
		{Kind: model.DeadlineResponse, Name: DeadlineNames[model.DeadlineResponse],
			Severities: []string{"III", "IV", SeverityNoneName}, Within: Duration(48 * time.Hour)},
	}
}

// DefaultUpdates are the spread thresholds that make an update worth
// sending.
func DefaultUpdates() Updates {
	return Updates{Sources: []int{3, 5, 10, 20, 50}, Articles: []int{10, 30, 100, 300}}
}

// ParseRuleSeverity reads an entry of DeadlineRule.Severities.
func ParseRuleSeverity(s string) (model.Severity, error) {
	if s == SeverityNoneName {
		return model.SeverityNone, nil
	}
	return model.ParseSeverity(s)
}
