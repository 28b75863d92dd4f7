package analyze

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// Taxonomy matches the hot-topic areas. It is immutable and safe for
// concurrent use.
type Taxonomy struct {
	topics   []topic
	defaults config.TaxonomyDefaults
	exclude  []exclusion
	// vocab numbers every term and rule word: an item's words are a bitset
	// over it, which the rules are evaluated against.
	vocab vocabulary
	// refs lists, by word number, the topics that list the word as a term
	// (none for a word only rules test).
	refs [][]termRef
}

type topic struct {
	id, name    string
	departments []string
	threshold   float64
	titleBoost  float64
	rules       []weightedRule
	require     *rule
	exclude     *rule
}

type weightedRule struct {
	name   string
	rule   *rule
	weight float64
}

type exclusion struct {
	name      string
	rule      *rule
	keepScore float64
}

type termRef struct {
	topic  int
	weight float64
}

// CompileTaxonomy checks a taxonomy and builds its matcher. Every problem is
// reported, each with the topic and its place.
func CompileTaxonomy(tx config.Taxonomy) (*Taxonomy, error) {
	t := &Taxonomy{defaults: tx.Defaults}
	withDefault(&t.defaults)
	var problems []error
	for _, ex := range tx.Exclude {
		r, err := compileRule(ex.Match, nil)
		if err != nil {
			problems = append(problems, fmt.Errorf("analyze: compile taxonomy: %s: exclude %q: %w", ex.Pos, ex.Name, err))
			continue
		}
		t.exclude = append(t.exclude, exclusion{name: cmp.Or(ex.Name, r.source), rule: r, keepScore: ex.KeepScore})
	}
	seen := map[string]bool{}
	for i, ct := range tx.Topics {
		fail := func(format string, args ...any) {
			msg := fmt.Sprintf(format, args...)
			problems = append(problems, fmt.Errorf("analyze: compile taxonomy: %s: topic %q: %s", ct.Pos, ct.ID, msg))
		}
		switch {
		case ct.ID == "":
			fail("has no id")
		case seen[ct.ID]:
			fail("id is used twice")
		}
		seen[ct.ID] = true
		if len(ct.Terms) == 0 && len(ct.Rules) == 0 {
			fail("has no terms")
		}
		tp := topic{id: ct.ID, name: ct.Name, departments: ct.Departments,
			threshold: cmp.Or(ct.Threshold, t.defaults.Threshold), titleBoost: cmp.Or(ct.TitleBoost, t.defaults.TitleBoost)}
		if !(tp.threshold > 0) || math.IsInf(tp.threshold, 1) {
			fail("threshold %v must be a positive number", ct.Threshold)
		}
		for _, msg := range tp.compileRules(ct) {
			fail("%s", msg)
		}
		t.topics = append(t.topics, tp)
		for _, msg := range t.addTerms(i, ct.Terms) {
			fail("%s", msg)
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	t.bindRules()
	return t, nil
}

// bindRules numbers the words of every rule after the terms, so that a rule
// word that is also a term is one word.
func (t *Taxonomy) bindRules() {
	for _, tp := range t.topics {
		for _, r := range tp.allRules() {
			r.bind(&t.vocab)
		}
	}
	for _, ex := range t.exclude {
		ex.rule.bind(&t.vocab)
	}
	for len(t.refs) < t.vocab.size() {
		t.refs = append(t.refs, nil)
	}
}

func withDefault(d *config.TaxonomyDefaults) {
	d.Threshold = cmp.Or(d.Threshold, config.DefaultTopicThreshold)
	d.TitleBoost = cmp.Or(d.TitleBoost, config.DefaultTitleBoost)
	d.SecondaryRatio = cmp.Or(d.SecondaryRatio, config.DefaultSecondaryRatio)
	d.MaxTopics = cmp.Or(d.MaxTopics, config.DefaultMaxTopics)
	d.BodyMinEvidence = cmp.Or(d.BodyMinEvidence, config.DefaultBodyMinEvidence)
}

func (tp *topic) compileRules(ct config.Topic) []string {
	var problems []string
	for _, cr := range ct.Rules {
		r, err := compileRule(cr.Match, nil)
		switch {
		case err != nil:
			problems = append(problems, err.Error())
		case !(cr.Weight > 0) || math.IsInf(cr.Weight, 1):
			problems = append(problems, fmt.Sprintf("rule %q needs a positive weight", cr.Match))
		default:
			tp.rules = append(tp.rules, weightedRule{name: cmp.Or(cr.Name, r.source), rule: r, weight: cr.Weight})
		}
	}
	var err error
	if ct.Require != "" {
		if tp.require, err = compileRule(ct.Require, nil); err != nil {
			problems = append(problems, "require: "+err.Error())
		}
	}
	if ct.Exclude != "" {
		if tp.exclude, err = compileRule(ct.Exclude, nil); err != nil {
			problems = append(problems, "exclude: "+err.Error())
		}
	}
	return problems
}

// addTerms indexes the terms of topic i in a stable order and returns what
// is wrong with them.
func (t *Taxonomy) addTerms(i int, terms map[string]float64) []string {
	var problems []string
	normalized := map[string]string{}
	for _, raw := range slices.Sorted(maps.Keys(terms)) {
		w := terms[raw]
		term := normalizeWord(raw)
		if rest, ok := strings.CutPrefix(term, "*"); ok {
			term = "*" + normalizeWord(rest)
		}
		switch {
		case term == "" || strings.IndexFunc(term, unicode.IsSpace) >= 0:
			problems = append(problems, fmt.Sprintf("term %q must be one word, without spaces", raw))
			continue
		case strings.IndexFunc(term, isWordRune) < 0:
			problems = append(problems, fmt.Sprintf("term %q has no letter or digit", raw))
			continue
		case !(w > 0) || math.IsInf(w, 1):
			problems = append(problems, fmt.Sprintf("term %q needs a positive weight", raw))
			continue
		}
		if other, dup := normalized[term]; dup {
			problems = append(problems, fmt.Sprintf("terms %q and %q are the same word", other, raw))
			continue
		}
		normalized[term] = raw
		id := t.vocab.add(term)
		if int(id) == len(t.refs) {
			t.refs = append(t.refs, nil)
		}
		t.refs[id] = append(t.refs[id], termRef{topic: i, weight: w})
	}
	return problems
}

// Terms returns every whole-word term, normalized, sorted: the words the
// segmenter must keep whole.
func (t *Taxonomy) Terms() []string {
	var terms []string
	for id, term := range t.vocab.words {
		if id < len(t.refs) && len(t.refs[id]) > 0 && !strings.HasPrefix(term, "*") {
			terms = append(terms, term)
		}
	}
	slices.Sort(terms)
	return terms
}

// Suffixes returns the endings of the suffix terms ("*大学" → "大学").
func (t *Taxonomy) Suffixes() []string {
	var out []string
	for id, term := range t.vocab.words {
		if rest, ok := strings.CutPrefix(term, "*"); ok && id < len(t.refs) && len(t.refs[id]) > 0 {
			out = append(out, rest)
		}
	}
	slices.Sort(out)
	return out
}

// RuleWords returns the words of the rules and exclusions, sorted: the
// scanner must find them, but they are ordinary words that the segmenter
// need not be forced to keep whole.
func (t *Taxonomy) RuleWords() []string {
	set := map[string]bool{}
	for _, tp := range t.topics {
		for _, r := range tp.allRules() {
			for _, w := range r.words() {
				set[w] = true
			}
		}
	}
	for _, ex := range t.exclude {
		for _, w := range ex.rule.words() {
			set[w] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func (tp *topic) allRules() []*rule {
	var rs []*rule
	for _, wr := range tp.rules {
		rs = append(rs, wr.rule)
	}
	if tp.require != nil {
		rs = append(rs, tp.require)
	}
	if tp.exclude != nil {
		rs = append(rs, tp.exclude)
	}
	return rs
}

// TopicIDs returns the topic ids in taxonomy order.
func (t *Taxonomy) TopicIDs() []string {
	ids := make([]string, len(t.topics))
	for i, tp := range t.topics {
		ids[i] = tp.id
	}
	return ids
}

// Departments returns the default departments of a topic, lead first.
func (t *Taxonomy) Departments(topicID string) []string {
	return slices.Clone(t.departments(topicID))
}

// departmentsOf is the union of the topics' default departments, in topic
// order, each once.
func (t *Taxonomy) departmentsOf(topics []model.TopicMatch) []string {
	if len(topics) == 0 {
		return nil
	}
	n := 0
	for _, tm := range topics {
		n += len(t.departments(tm.ID))
	}
	if n == 0 {
		return nil
	}
	deps := make([]string, 0, n)
	for _, tm := range topics {
		for _, d := range t.departments(tm.ID) {
			if !slices.Contains(deps, d) {
				deps = append(deps, d)
			}
		}
	}
	return deps
}

// departments returns the topic's own list: do not change it.
func (t *Taxonomy) departments(topicID string) []string {
	for i := range t.topics {
		if t.topics[i].id == topicID {
			return t.topics[i].departments
		}
	}
	return nil
}

// Name returns the Chinese name of a topic, "" if unknown.
func (t *Taxonomy) Name(topicID string) string {
	for _, tp := range t.topics {
		if tp.id == topicID {
			return tp.name
		}
	}
	return ""
}
