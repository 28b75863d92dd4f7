package config

// Taxonomy is the topic file: the hot-topic areas of the work plan.
type Taxonomy struct {
	// Version 1 files have terms only; version 2 adds defaults, rules and
	// exclusions. Both are read.
	Version  int              `yaml:"version"`
	Defaults TaxonomyDefaults `yaml:"defaults"`
	// Exclude lists kinds of news that are not hot-topic news (sport,
	// entertainment, games …): when one holds, only topics at least as
	// strong as its keep_score stay.
	Exclude []Exclusion `yaml:"exclude"`
	Topics  []Topic     `yaml:"topics"`
	File    string      `yaml:"-"`
}

// TaxonomyDefaults are the scoring settings every topic starts from.
type TaxonomyDefaults struct {
	// Threshold is the score an item needs to be tagged (default 1).
	Threshold float64 `yaml:"threshold"`
	// TitleBoost multiplies what is found in the title (default 1.5).
	TitleBoost float64 `yaml:"title_boost"`
	// SecondaryRatio: a topic after the strongest one is kept only when its
	// score is at least this share of the strongest score (default 0.5).
	SecondaryRatio float64 `yaml:"secondary_ratio"`
	// MaxTopics caps the topics of one item (default 2): a lead and one
	// co-responding area.
	MaxTopics int `yaml:"max_topics"`
	// BodyMinEvidence: a topic with nothing in the title needs this many
	// distinct terms or rules in the body (default 2), so that a passing
	// mention does not make a topic.
	BodyMinEvidence int `yaml:"body_min_evidence"`
}

// Topic is one hot-topic area.
type Topic struct {
	// ID is stable ASCII (used in subjects, routes and reports).
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Departments answer for the area when no route says otherwise.
	Departments []string `yaml:"departments"`
	// Terms are words and phrases with their weight.
	Terms map[string]float64 `yaml:"terms"`
	// Rules add their weight when their expression holds: context that
	// makes ordinary words count (all(食堂, any(过期, 变质))).
	Rules []TopicRule `yaml:"rules"`
	// Require must hold for the topic to be tagged (empty: always holds).
	Require string `yaml:"require"`
	// Exclude vetoes the topic when it holds (empty: never).
	Exclude string `yaml:"exclude"`
	// Threshold is the score an item needs to be tagged (default from
	// defaults.threshold).
	Threshold float64 `yaml:"threshold"`
	// TitleBoost overrides defaults.title_boost for this topic.
	TitleBoost float64 `yaml:"title_boost"`
	Pos        Pos     `yaml:"-"`
}

// TopicRule is a weighted rule of a topic.
type TopicRule struct {
	// Name explains the rule in reasons; default: the rule itself.
	Name   string  `yaml:"name"`
	Match  string  `yaml:"match"`
	Weight float64 `yaml:"weight"`
	Pos    Pos     `yaml:"-"`
}

// Exclusion is a kind of news that is not hot-topic news.
type Exclusion struct {
	Name  string `yaml:"name"`
	Match string `yaml:"match"`
	// KeepScore: a topic scoring at least this much stays anyway (0: none
	// stays).
	KeepScore float64 `yaml:"keep_score"`
	Pos       Pos     `yaml:"-"`
}

// Defaults of TaxonomyDefaults.
const (
	DefaultTopicThreshold  = 1
	DefaultTitleBoost      = 1.5
	DefaultSecondaryRatio  = 0.5
	DefaultMaxTopics       = 2
	DefaultBodyMinEvidence = 2
	maxTaxonomyVersion     = 2
)

// applyDefaults fills the zero settings.
func (d *TaxonomyDefaults) applyDefaults() {
	if d.Threshold == 0 {
		d.Threshold = DefaultTopicThreshold
	}
	if d.TitleBoost == 0 {
		d.TitleBoost = DefaultTitleBoost
	}
	if d.SecondaryRatio == 0 {
		d.SecondaryRatio = DefaultSecondaryRatio
	}
	if d.MaxTopics == 0 {
		d.MaxTopics = DefaultMaxTopics
	}
	if d.BodyMinEvidence == 0 {
		d.BodyMinEvidence = DefaultBodyMinEvidence
	}
}
