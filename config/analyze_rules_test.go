package config

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultAnalysisRules(t *testing.T) {
	c, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	a := c.Analyze
	if len(a.Negativity.Negative) == 0 || len(a.Negativity.Negators) == 0 || len(a.Severity.Rules) == 0 {
		t.Fatalf("built-in lexicon or rules not loaded: %+v", a)
	}
	if a.Segmentation != "fast" || a.Stories.Similarity != 0.5 || a.Stories.Window.D() != 7*24*time.Hour ||
		a.Surges.Method != "mad" || a.Surges.K != 3 || a.Surges.Baseline.D() != 14*24*time.Hour {
		t.Errorf("defaults not applied: %+v", a)
	}
	if c.Taxonomy.Version != 2 || len(c.Taxonomy.Exclude) == 0 || c.Taxonomy.Defaults.MaxTopics != 2 {
		t.Errorf("built-in taxonomy: version %d, %d exclusions, defaults %+v", c.Taxonomy.Version, len(c.Taxonomy.Exclude), c.Taxonomy.Defaults)
	}
}

func TestAnalysisRuleProblems(t *testing.T) {
	tests := []struct {
		name, data string
		parse      func([]byte, string) error
		want       []string
	}{
		{"negativity", `
version: 2
negative_at: 0.3
positive_at: 0.5
negative:
  a: {差: 0, "两 个": 1}
positive:
  b: {差: 1}
degree: {很: -1}
`, func(b []byte, f string) error { _, err := ParseNegativity(b, f); return err }, []string{
			"x.yaml:2: version 2 is not supported",
			"x.yaml:3: want 0 < positive_at < negative_at < 1",
			`x.yaml:6: negative word "差" needs a positive strength`,
			`x.yaml:6: word "两 个" must be one word`,
			`x.yaml:8: word "差" is listed twice`,
			`x.yaml:9: degree word "很" needs a positive factor`,
		}},
		{"severity", `
version: 1
default: V
emergencies:
  Bad: [爆炸]
rules:
  - {tier: II, when: "deaths >="}
  - {tier: VI, name: x, when: "wounded > 1"}
  - {tier: I, name: y, when: "all(甲"}
`, func(b []byte, f string) error { _, err := ParseSeverity(b, f); return err }, []string{
			"x.yaml:3: default: unknown severity",
			`x.yaml:5: emergency kind "Bad" must be lower-case ASCII`,
			"x.yaml:7: rule has no name",
			`x.yaml:7: rule "deaths >=":`,
			"x.yaml:8: rule tier: unknown severity",
			`x.yaml:8: rule "wounded > 1": unknown figure "wounded"`,
			`x.yaml:9: rule "all(甲": at character 6: all( is not closed`,
		}},
		{"taxonomy", `
version: 3
defaults: {secondary_ratio: 2, max_topics: -1}
exclude:
  - {match: "any(", keep_score: -1}
topics:
  - id: t
    name: 题
    terms: {词: 1}
    rules:
      - {match: "deaths > 1", weight: 1}
      - {match: "甲", weight: 0}
    require: "all()"
`, func(b []byte, f string) error { _, err := ParseTaxonomy(b, f); return err }, []string{
			"x.yaml:2: version 3 is not supported",
			"x.yaml:3: defaults.secondary_ratio must be in (0, 1]",
			"x.yaml:3: defaults.max_topics must be 1 or more",
			`x.yaml:5: rule "any("`,
			"x.yaml:5: exclude: keep_score must be a number, 0 or more",
			`x.yaml:11: rule "deaths > 1": comparisons (deaths …) are for severity rules`,
			`x.yaml:12: topic t: rule "甲" needs a positive weight`,
			`x.yaml:13: rule "all()"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse([]byte(tt.data), "x.yaml")
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestAnalyzeSettingsProblems(t *testing.T) {
	_, err := Parse([]byte(`
analyze:
  segmentation: slow
  stories: {similarity: 2}
  surges: {method: median, k: -1, baseline: 1d, min_hour: -1}
`), "y.yaml")
	if err == nil {
		t.Fatal("bad analyze settings accepted")
	}
	for _, w := range []string{
		`y.yaml:3: analyze.segmentation "slow": want fast or full`,
		"y.yaml:4: analyze.stories.similarity must be in (0, 1]",
		`analyze.surges.method "median": want mad or sigma`,
		"analyze.surges.k must be positive",
		"analyze.surges.min_hour and min_day must be 1 or more",
		"analyze.surges.baseline must be 2d or more",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q:\n%v", w, err)
		}
	}
}
