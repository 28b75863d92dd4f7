package config

import (
	"fmt"
	"math"
	"regexp"
	"strings"
)

var asciiID = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// ParseTaxonomy decodes and checks a taxonomy file: ids, names, weights,
// and the syntax of every rule, each problem with its line.
func ParseTaxonomy(data []byte, file string) (Taxonomy, error) {
	var t Taxonomy
	d, ps := decodeStrict(data, file, &t)
	t.File = file
	if len(ps) > 0 {
		return t, ps
	}
	if t.Version < 0 || t.Version > maxTaxonomyVersion {
		d.problem(&ps, fmt.Sprintf("version %d is not supported (want 1 or 2)", t.Version), "version")
	}
	checkTaxonomyDefaults(d, &ps, &t.Defaults)
	for i := range t.Exclude {
		ex := &t.Exclude[i]
		ex.Pos = d.pos("exclude", i)
		checkRule(d, &ps, ex.Match, nil, "exclude", i, "match")
		if !(ex.KeepScore >= 0) || math.IsInf(ex.KeepScore, 1) {
			d.problem(&ps, "exclude: keep_score must be a number, 0 or more", "exclude", i, "keep_score")
		}
	}
	seen := map[string]bool{}
	for i := range t.Topics {
		tp := &t.Topics[i]
		tp.Pos = d.pos("topics", i)
		if tp.Threshold == 0 {
			tp.Threshold = t.Defaults.Threshold
		}
		if tp.TitleBoost == 0 {
			tp.TitleBoost = t.Defaults.TitleBoost
		}
		switch {
		case !asciiID.MatchString(tp.ID):
			d.problem(&ps, fmt.Sprintf("topic id %q must be lower-case ASCII (a-z, 0-9, _), starting with a letter", tp.ID), "topics", i, "id")
		case seen[tp.ID]:
			d.problem(&ps, fmt.Sprintf("topic id %q is used twice", tp.ID), "topics", i, "id")
		}
		seen[tp.ID] = true
		checkTopic(d, &ps, tp, i)
	}
	return t, ps.Err()
}

func checkTaxonomyDefaults(d *doc, ps *Problems, def *TaxonomyDefaults) {
	def.applyDefaults()
	positive := func(v float64, key string) {
		if !(v > 0) || math.IsInf(v, 1) {
			d.problem(ps, fmt.Sprintf("defaults.%s must be a positive number", key), "defaults", key)
		}
	}
	positive(def.Threshold, "threshold")
	if def.TitleBoost < 1 || math.IsInf(def.TitleBoost, 1) {
		d.problem(ps, "defaults.title_boost must be 1 or more", "defaults", "title_boost")
	}
	if !(def.SecondaryRatio > 0 && def.SecondaryRatio <= 1) {
		d.problem(ps, "defaults.secondary_ratio must be in (0, 1]", "defaults", "secondary_ratio")
	}
	if def.MaxTopics < 1 {
		d.problem(ps, "defaults.max_topics must be 1 or more", "defaults", "max_topics")
	}
	if def.BodyMinEvidence < 1 {
		d.problem(ps, "defaults.body_min_evidence must be 1 or more", "defaults", "body_min_evidence")
	}
}

func checkTopic(d *doc, ps *Problems, tp *Topic, i int) {
	if tp.Name == "" {
		d.problem(ps, "topic "+tp.ID+" has no name", "topics", i)
	}
	if len(tp.Terms) == 0 && len(tp.Rules) == 0 {
		d.problem(ps, "topic "+tp.ID+" has no terms and no rules", "topics", i)
	}
	if !(tp.Threshold > 0) || math.IsInf(tp.Threshold, 1) {
		d.problem(ps, fmt.Sprintf("topic %s: threshold must be a positive number", tp.ID), "topics", i, "threshold")
	}
	if tp.TitleBoost < 1 || math.IsInf(tp.TitleBoost, 1) {
		d.problem(ps, fmt.Sprintf("topic %s: title_boost must be 1 or more", tp.ID), "topics", i, "title_boost")
	}
	for term, w := range tp.Terms {
		if !(w > 0) || math.IsInf(w, 1) {
			d.problem(ps, fmt.Sprintf("topic %s: term %q needs a positive weight", tp.ID, term), "topics", i, "terms", term)
		}
		if strings.TrimSpace(term) == "" || strings.ContainsAny(strings.TrimSpace(term), " \t") {
			d.problem(ps, fmt.Sprintf("topic %s: term %q must be one word, without spaces", tp.ID, term), "topics", i, "terms", term)
		}
	}
	for k := range tp.Rules {
		r := &tp.Rules[k]
		r.Pos = d.pos("topics", i, "rules", k)
		checkRule(d, ps, r.Match, nil, "topics", i, "rules", k, "match")
		if !(r.Weight > 0) || math.IsInf(r.Weight, 1) {
			d.problem(ps, fmt.Sprintf("topic %s: rule %q needs a positive weight", tp.ID, r.Match), "topics", i, "rules", k, "weight")
		}
	}
	if tp.Require != "" {
		checkRule(d, ps, tp.Require, nil, "topics", i, "require")
	}
	if tp.Exclude != "" {
		checkRule(d, ps, tp.Exclude, nil, "topics", i, "exclude")
	}
}

// checkRule parses a rule and reports a syntax error, or a figure that is
// not one of figures, at path.
func checkRule(d *doc, ps *Problems, rule string, figures []string, path ...any) {
	if strings.TrimSpace(rule) == "" {
		d.problem(ps, "rule is empty", path...)
		return
	}
	e, err := ParseExpr(rule)
	if err != nil {
		d.problem(ps, fmt.Sprintf("rule %q: %v", rule, err), path...)
		return
	}
	for _, f := range e.Figures() {
		if !containsString(figures, f) {
			if len(figures) == 0 {
				d.problem(ps, fmt.Sprintf("rule %q: comparisons (%s …) are for severity rules; here write words", rule, f), path...)
			} else {
				d.problem(ps, fmt.Sprintf("rule %q: unknown figure %q (want one of %s)", rule, f, strings.Join(figures, ", ")), path...)
			}
			return
		}
	}
}
