package analyze

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// Scoring constants of the negativity lexicon. They are properties of the
// method, not of a text domain, so they are not configuration.
const (
	// negationReach is how many characters may stand between a negator and
	// the word it negates (不太满意, 没有任何问题).
	negationReach = 3
	// degreeReach is the same for degree words (非常满意, 太差了).
	degreeReach = 2
	// negatedPositive: 不满意 is nearly as negative as 差 …
	negatedPositive = 0.9
	// negatedNegative: … but 不差 is only mildly positive.
	negatedNegative = 0.5
	// contrastBoost weighs the clause after 但是 / 可是: what follows a
	// "but" is what the writer means.
	contrastBoost = 1.5
	// titleWeight: a headline's tone counts more than one body sentence.
	titleWeight = 1.5
	// smoothing keeps a single weak word from making a text all negative:
	// negativity = N / (N + P + smoothing).
	smoothing = 0.5
)

// defaultNegators negate emergency words in severity rules when no lexicon
// is configured.
var defaultNegators = []string{"不", "没", "没有", "未", "无", "非", "并未", "尚未", "从未", "毫无"}

// Negativity scores how negative a text is from a lexicon, with negation,
// degree and contrast. It is immutable and safe for concurrent use.
type Negativity struct {
	words      map[string]lexWord
	negators   map[string]bool
	degree     map[string]float64
	contrast   map[string]bool
	negativeAt float64
	positiveAt float64
}

type lexWord struct {
	polarity float64 // -1 negative, +1 positive
	strength float64
	kind     string
}

// CompileNegativity builds the scorer of a lexicon.
func CompileNegativity(n config.Negativity) (*Negativity, error) {
	c := &Negativity{words: map[string]lexWord{}, negators: map[string]bool{}, degree: map[string]float64{},
		contrast: map[string]bool{}, negativeAt: n.NegativeAt, positiveAt: n.PositiveAt}
	if c.negativeAt == 0 {
		c.negativeAt = config.DefaultNegativeAt
	}
	if c.positiveAt == 0 {
		c.positiveAt = config.DefaultPositiveAt
	}
	var problems []error
	add := func(group map[string]map[string]float64, polarity float64) {
		for _, kind := range slices.Sorted(maps.Keys(group)) {
			for w, s := range group[kind] {
				word := normalizeWord(w)
				if _, dup := c.words[word]; dup || word == "" || !(s > 0) || math.IsInf(s, 1) {
					problems = append(problems, fmt.Errorf("analyze: compile negativity: word %q: empty, repeated or without a positive strength", w))
					continue
				}
				c.words[word] = lexWord{polarity: polarity, strength: s, kind: kind}
			}
		}
	}
	add(n.Negative, -1)
	add(n.Positive, +1)
	for _, w := range n.Negators {
		c.negators[normalizeWord(w)] = true
	}
	for w, f := range n.Degree {
		c.degree[normalizeWord(w)] = f
	}
	for _, w := range n.Contrast {
		c.contrast[normalizeWord(w)] = true
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return c, nil
}

// Words returns every word of the lexicon, its modifiers included.
func (n *Negativity) Words() []string {
	set := map[string]bool{}
	for _, m := range []map[string]bool{n.negators, n.contrast} {
		for w := range m {
			set[w] = true
		}
	}
	for w := range n.words {
		set[w] = true
	}
	for w := range n.degree {
		set[w] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// sentiment is a negativity score with what it was made of.
type sentiment struct {
	score float64
	label string
	// negative and positive list the words that counted, with their
	// modifiers, e.g. "投诉", "不+满意", "非常+差".
	negative, positive []string
	neg, pos           float64
}

// modifier is the state of one clause while it is read.
type modifier struct {
	negEnd, degEnd    int // byte end of the last negator / degree word, -1 none
	negWord, degWord  string
	degFactor         float64
	contrastFrom      int // clause from which the contrast boost applies, -1 none
	contrastField     int
	lastField, lastCl int
}

// assess scores a scanned text.
func (n *Negativity) assess(d *scanned) sentiment {
	var s sentiment
	m := modifier{negEnd: -1, degEnd: -1, contrastFrom: -1, lastField: -1}
	for _, tk := range d.tokens {
		text := d.text(tk.field)
		if int(tk.field) != m.lastField || tk.clause != m.lastCl {
			m.negEnd, m.degEnd = -1, -1
			m.lastField, m.lastCl = int(tk.field), tk.clause
		}
		switch {
		case n.negators[tk.word]:
			m.negEnd, m.negWord = tk.end, tk.word
			continue
		case n.degree[tk.word] > 0:
			m.degEnd, m.degWord, m.degFactor = tk.end, tk.word, n.degree[tk.word]
			continue
		case n.contrast[tk.word]:
			m.contrastFrom, m.contrastField = tk.clause, int(tk.field)
			continue
		}
		lw, ok := n.words[tk.word]
		if !ok {
			continue
		}
		v := lw.strength * lw.polarity
		label := tk.word
		if m.degEnd >= 0 && gapRunes(text, m.degEnd, tk.start) <= degreeReach {
			v *= m.degFactor
			label = m.degWord + "+" + label
		}
		if m.negEnd >= 0 && gapRunes(text, m.negEnd, tk.start) <= negationReach {
			if v < 0 {
				v = -v * negatedNegative
			} else {
				v = -v * negatedPositive
			}
			label = m.negWord + "+" + label
			m.negEnd = -1 // a negator negates one word
		}
		if m.contrastFrom >= 0 && int(tk.field) == m.contrastField && tk.clause-m.contrastFrom <= 1 {
			v *= contrastBoost
		}
		if tk.field == fieldTitle {
			v *= titleWeight
		}
		if v < 0 {
			s.neg -= v
			s.negative = appendOnce(s.negative, label)
		} else {
			s.pos += v
			s.positive = appendOnce(s.positive, label)
		}
	}
	s.score = math.Round(s.neg/(s.neg+s.pos+smoothing)*1000) / 1000
	switch {
	case s.score >= n.negativeAt:
		s.label = model.SentimentNegative
	case s.pos > 0 && s.score <= n.positiveAt:
		s.label = model.SentimentPositive
	default:
		s.label = model.SentimentNeutral
	}
	return s
}

// negated reports whether the token at index i of d is negated by a negator
// shortly before it in its clause (未发生爆炸, 无人员伤亡).
func negated(d *scanned, i int, negators map[string]bool) bool {
	tk := d.tokens[i]
	for j := i - 1; j >= 0; j-- {
		p := d.tokens[j]
		if p.field != tk.field || p.clause != tk.clause {
			return false
		}
		if gapRunes(d.text(tk.field), p.end, tk.start) > negationReach {
			return false
		}
		if negators[p.word] {
			return true
		}
	}
	return false
}

// gapRunes counts the characters between two byte offsets.
func gapRunes(text string, from, to int) int {
	if to <= from {
		return 0
	}
	return utf8.RuneCountInString(text[from:to])
}

func appendOnce(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// reason writes the score in Chinese for officers.
func (s sentiment) reason() string {
	name := map[string]string{model.SentimentNegative: "负面", model.SentimentNeutral: "中性", model.SentimentPositive: "正面"}[s.label]
	var b strings.Builder
	fmt.Fprintf(&b, "情感倾向：%s（负面度 %.2f）", name, s.score)
	if len(s.negative) > 0 {
		fmt.Fprintf(&b, "；负面词：%s", strings.Join(s.negative, "、"))
	}
	if len(s.positive) > 0 {
		fmt.Fprintf(&b, "；正面词：%s", strings.Join(s.positive, "、"))
	}
	return b.String()
}
