package analyze

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
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

// Kinds of lexicon word, in the order assess tries them.
const (
	lexNone uint8 = iota
	lexNegator
	lexDegree
	lexContrast
	lexScored
)

// lexRole is what the lexicon makes of a word.
type lexRole struct {
	kind   uint8
	factor float64 // lexDegree: the degree
	word   lexWord // lexScored
}

// role returns what the lexicon makes of a word: a negator first, then a
// degree word, a contrast word, a scored word.
func (n *Negativity) role(w string) lexRole {
	switch {
	case n.negators[w]:
		return lexRole{kind: lexNegator}
	case n.degree[w] > 0:
		return lexRole{kind: lexDegree, factor: n.degree[w]}
	case n.contrast[w]:
		return lexRole{kind: lexContrast}
	}
	if lw, ok := n.words[w]; ok {
		return lexRole{kind: lexScored, word: lw}
	}
	return lexRole{}
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

// assess scores a scanned text whose tokens have the given roles. The
// word lists are appended to negative and positive, scratch buffers.
func (n *Negativity) assess(d *scanned, roles []*wordRole, negative, positive []string) sentiment {
	s := sentiment{negative: negative[:0], positive: positive[:0]}
	m := modifier{negEnd: -1, degEnd: -1, contrastFrom: -1, lastField: -1}
	for i, tk := range d.tokens {
		lr := &roles[i].lex
		if lr.kind == lexNone {
			continue
		}
		if int(tk.field) != m.lastField || tk.clause != m.lastCl {
			m.negEnd, m.degEnd = -1, -1
			m.lastField, m.lastCl = int(tk.field), tk.clause
		}
		switch lr.kind {
		case lexNegator:
			m.negEnd, m.negWord = tk.end, tk.word
			continue
		case lexDegree:
			m.degEnd, m.degWord, m.degFactor = tk.end, tk.word, lr.factor
			continue
		case lexContrast:
			m.contrastFrom, m.contrastField = tk.clause, int(tk.field)
			continue
		}
		v, label := m.apply(d.text(tk.field), tk, lr.word)
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

// apply scores a lexicon word with the modifiers before it and labels it
// with them ("不+很+满意").
func (m *modifier) apply(text string, tk token, lw lexWord) (float64, string) {
	v := lw.strength * lw.polarity
	label := tk.word
	degree := m.degEnd >= 0 && gapRunes(text, m.degEnd, tk.start) <= degreeReach
	if degree {
		v *= m.degFactor
	}
	negation := m.negEnd >= 0 && gapRunes(text, m.negEnd, tk.start) <= negationReach
	if negation {
		if v < 0 {
			v = -v * negatedNegative
		} else {
			v = -v * negatedPositive
		}
		m.negEnd = -1 // a negator negates one word
	}
	switch {
	case degree && negation:
		label = m.negWord + "+" + m.degWord + "+" + label
	case degree:
		label = m.degWord + "+" + label
	case negation:
		label = m.negWord + "+" + label
	}
	if m.contrastFrom >= 0 && int(tk.field) == m.contrastField && tk.clause-m.contrastFrom <= 1 {
		v *= contrastBoost
	}
	if tk.field == fieldTitle {
		v *= titleWeight
	}
	return v, label
}

// negated reports whether the token at index i of d is negated by a negator
// (roles[j].sev.negator) shortly before it in its clause (未发生爆炸,
// 无人员伤亡).
func negated(d *scanned, roles []*wordRole, i int) bool {
	tk := d.tokens[i]
	for j := i - 1; j >= 0; j-- {
		p := d.tokens[j]
		if p.field != tk.field || p.clause != tk.clause {
			return false
		}
		if gapRunes(d.text(tk.field), p.end, tk.start) > negationReach {
			return false
		}
		if roles[j].sev.negator {
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
	var name string
	switch s.label {
	case model.SentimentNegative:
		name = "负面"
	case model.SentimentNeutral:
		name = "中性"
	case model.SentimentPositive:
		name = "正面"
	}
	var buf [320]byte // the reason of most texts: no buffer to collect
	b := buf[:0]
	b = append(b, "情感倾向："...)
	b = append(b, name...)
	b = append(b, "（负面度 "...)
	b = strconv.AppendFloat(b, s.score, 'f', 2, 64)
	b = append(b, "）"...)
	if len(s.negative) > 0 {
		b = appendJoined(append(b, "；负面词："...), s.negative, "、")
	}
	if len(s.positive) > 0 {
		b = appendJoined(append(b, "；正面词："...), s.positive, "、")
	}
	return string(b)
}

// appendJoined appends the elements of list separated by sep.
func appendJoined(b []byte, list []string, sep string) []byte {
	for i, s := range list {
		if i > 0 {
			b = append(b, sep...)
		}
		b = append(b, s...)
	}
	return b
}
