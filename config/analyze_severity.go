package config

import (
	"fmt"

	"github.com/yuqing/yuqing/model"
)

// SeverityRules say how the statutory tier of an item is assessed: which
// words report casualties and emergencies, and rules tried from the most
// severe tier down; the first that holds gives the tier.
type SeverityRules struct {
	Version int `yaml:"version"`
	// Casualties are the words next to which a number of people is read:
	// "3人死亡", "死亡3人", "致2死5伤".
	Casualties Casualties `yaml:"casualties"`
	// Emergencies map a kind of incident (explosion, collapse, mass …) to
	// the words that report it. A word counts unless negated (未发生爆炸).
	Emergencies map[string][]string `yaml:"emergencies"`
	Rules       []SeverityRule      `yaml:"rules"`
	// Default is the tier of an item with a topic that no rule lifts
	// (default IV); items without topics get none.
	Default string `yaml:"default"`
	File    string `yaml:"-"`
}

// Casualties lists the words of each casualty figure.
type Casualties struct {
	Deaths   []string `yaml:"deaths"`
	Injuries []string `yaml:"injuries"`
	Missing  []string `yaml:"missing"`
}

// SeverityRule gives Tier when When holds.
type SeverityRule struct {
	Tier string `yaml:"tier"`
	// Name says in Chinese why, for the reasons shown to officers.
	Name string `yaml:"name"`
	When string `yaml:"when"`
	Pos  Pos    `yaml:"-"`
}

// SeverityFigures are the figures severity rules may compare.
var SeverityFigures = []string{
	"deaths", "injuries", "missing", "casualties", // people, as read from the text
	"emergency",   // = kind: an emergency of that kind is reported
	"emergencies", // how many kinds of emergency are reported
	"negativity",  // 0..1
	"sources",     // distinct sources of the story so far
	"articles",    // articles of the story so far
	"weight",      // the item's source weight (1 = ordinary)
	"topic",       // = id: the item has that topic
	"topics",      // how many topics the item has
}

// ParseSeverity decodes and checks severity rules.
func ParseSeverity(data []byte, file string) (SeverityRules, error) {
	var s SeverityRules
	d, ps := decodeStrict(data, file, &s)
	s.File = file
	if len(ps) > 0 {
		return s, ps
	}
	if s.Version != 1 {
		d.problem(&ps, fmt.Sprintf("version %d is not supported (want 1)", s.Version), "version")
	}
	if s.Default == "" {
		s.Default = "IV"
	}
	if _, err := model.ParseSeverity(s.Default); err != nil {
		d.problem(&ps, "default: "+err.Error(), "default")
	}
	for kind, words := range s.Emergencies {
		if !asciiID.MatchString(kind) {
			d.problem(&ps, fmt.Sprintf("emergency kind %q must be lower-case ASCII", kind), "emergencies", kind)
		}
		for i, w := range words {
			checkLexiconWord(d, &ps, w, "emergencies", kind, i)
		}
	}
	for key, words := range map[string][]string{"deaths": s.Casualties.Deaths, "injuries": s.Casualties.Injuries, "missing": s.Casualties.Missing} {
		for i, w := range words {
			checkLexiconWord(d, &ps, w, "casualties", key, i)
		}
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		r.Pos = d.pos("rules", i)
		if _, err := model.ParseSeverity(r.Tier); err != nil {
			d.problem(&ps, "rule tier: "+err.Error(), "rules", i, "tier")
		}
		if r.Name == "" {
			d.problem(&ps, "rule has no name (it is shown to officers as the reason)", "rules", i)
		}
		checkRule(d, &ps, r.When, SeverityFigures, "rules", i, "when")
	}
	return s, ps.Err()
}
