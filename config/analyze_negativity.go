package config

import (
	"fmt"
	"math"
	"strings"
)

// Negativity is the lexicon negativity is scored from: words that carry
// judgement, grouped by kind so that an explanation can name the kind, and
// the words that modify them.
type Negativity struct {
	Version int `yaml:"version"`
	// Negative and Positive map a kind (complaint, accident, general …) to
	// its words and their strength (typically 0.5–2).
	Negative map[string]map[string]float64 `yaml:"negative"`
	Positive map[string]map[string]float64 `yaml:"positive"`
	// Negators turn the next judgement word within a few characters around
	// (不, 没有, 未 …).
	Negators []string `yaml:"negators"`
	// Degree words scale the next judgement word (非常: 2, 有点: 0.6).
	Degree map[string]float64 `yaml:"degree"`
	// Contrast words (但是, 可是 …) make the clause after them count more.
	Contrast []string `yaml:"contrast"`
	// NegativeAt is the negativity from which an item is labelled negative
	// (default 0.55); PositiveAt the negativity up to which an item with
	// positive words is labelled positive (default 0.4).
	NegativeAt float64 `yaml:"negative_at"`
	PositiveAt float64 `yaml:"positive_at"`
	File       string  `yaml:"-"`
}

// Defaults of Negativity.
const (
	DefaultNegativeAt = 0.55
	DefaultPositiveAt = 0.4
)

// ParseNegativity decodes and checks a negativity lexicon.
func ParseNegativity(data []byte, file string) (Negativity, error) {
	var n Negativity
	d, ps := decodeStrict(data, file, &n)
	n.File = file
	if len(ps) > 0 {
		return n, ps
	}
	if n.NegativeAt == 0 {
		n.NegativeAt = DefaultNegativeAt
	}
	if n.PositiveAt == 0 {
		n.PositiveAt = DefaultPositiveAt
	}
	if n.Version != 1 {
		d.problem(&ps, fmt.Sprintf("version %d is not supported (want 1)", n.Version), "version")
	}
	if !(n.PositiveAt > 0 && n.PositiveAt < n.NegativeAt && n.NegativeAt < 1) {
		d.problem(&ps, "want 0 < positive_at < negative_at < 1", "negative_at")
	}
	if len(n.Negative) == 0 {
		d.problem(&ps, "no negative words", "negative")
	}
	owner := map[string]string{}
	for _, group := range []struct {
		key   string
		kinds map[string]map[string]float64
	}{{"negative", n.Negative}, {"positive", n.Positive}} {
		for kind, words := range group.kinds {
			for w, v := range words {
				path := []any{group.key, kind, w}
				checkLexiconWord(d, &ps, w, path...)
				if !(v > 0) || math.IsInf(v, 1) {
					d.problem(&ps, fmt.Sprintf("%s word %q needs a positive strength", group.key, w), path...)
				}
				if other, dup := owner[w]; dup {
					d.problem(&ps, fmt.Sprintf("word %q is listed twice (%s and %s.%s)", w, other, group.key, kind), path...)
				}
				owner[w] = group.key + "." + kind
			}
		}
	}
	for i, w := range n.Negators {
		checkLexiconWord(d, &ps, w, "negators", i)
	}
	for i, w := range n.Contrast {
		checkLexiconWord(d, &ps, w, "contrast", i)
	}
	for w, v := range n.Degree {
		checkLexiconWord(d, &ps, w, "degree", w)
		if !(v > 0) || math.IsInf(v, 1) {
			d.problem(&ps, fmt.Sprintf("degree word %q needs a positive factor", w), "degree", w)
		}
	}
	return n, ps.Err()
}

func checkLexiconWord(d *doc, ps *Problems, w string, path ...any) {
	if t := strings.TrimSpace(w); t == "" || strings.ContainsAny(t, " \t") {
		d.problem(ps, fmt.Sprintf("word %q must be one word, without spaces", w), path...)
	}
}
