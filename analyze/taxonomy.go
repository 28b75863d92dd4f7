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

// titleBoost multiplies the weight of a term found in the title: a headline
// says what an item is about more reliably than a passing mention.
const titleBoost = 1.5

// Text is an item cut into words once, shared by every part of the analysis.
type Text struct {
	Title []string
	Body  []string
}

// Taxonomy matches the hot-topic areas. It is immutable and safe for
// concurrent use.
type Taxonomy struct {
	topics []topic
	// index maps a normalized term to the topics that list it.
	index map[string][]termRef
}

type topic struct {
	id, name    string
	departments []string
	threshold   float64
}

type termRef struct {
	topic  int
	weight float64
}

// CompileTaxonomy checks a taxonomy and builds its matcher. Every problem is
// reported, each with the topic and its place.
func CompileTaxonomy(tx config.Taxonomy) (*Taxonomy, error) {
	t := &Taxonomy{index: map[string][]termRef{}}
	var problems []error
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
		if len(ct.Terms) == 0 {
			fail("has no terms")
		}
		threshold := ct.Threshold
		if threshold == 0 {
			threshold = 1 // the documented default, for taxonomies built in code
		}
		if !(threshold > 0) || math.IsInf(threshold, 1) {
			fail("threshold %v must be a positive number", ct.Threshold)
		}
		t.topics = append(t.topics, topic{id: ct.ID, name: ct.Name, departments: ct.Departments, threshold: threshold})
		for _, msg := range t.addTerms(i, ct.Terms) {
			fail("%s", msg)
		}
	}
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return t, nil
}

// addTerms indexes the terms of topic i in a stable order and returns what
// is wrong with them.
func (t *Taxonomy) addTerms(i int, terms map[string]float64) []string {
	var problems []string
	normalized := map[string]string{}
	for _, raw := range slices.Sorted(maps.Keys(terms)) {
		w := terms[raw]
		term := normalizeWord(raw)
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
		t.index[term] = append(t.index[term], termRef{topic: i, weight: w})
	}
	return problems
}

// Terms returns every term, normalized, sorted: the words the segmenter
// must keep whole.
func (t *Taxonomy) Terms() []string {
	terms := make([]string, 0, len(t.index))
	for term := range t.index {
		terms = append(terms, term)
	}
	slices.Sort(terms)
	return terms
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
	for _, tp := range t.topics {
		if tp.id == topicID {
			return slices.Clone(tp.departments)
		}
	}
	return nil
}

// topicHits collects the distinct terms of one topic found in a text.
type topicHits struct {
	terms []string
	score float64
}

// Match returns the topics whose score reaches their threshold, highest
// score first (then by id). A term counts once however often it occurs,
// boosted if it occurs in the title; terms are listed in order of first
// appearance, title before body.
func (t *Taxonomy) Match(text Text) []model.TopicMatch {
	hits := map[int]*topicHits{}
	scan := func(words []string, boost float64) {
		for _, w := range words {
			for _, ref := range t.index[w] {
				h := hits[ref.topic]
				if h == nil {
					h = &topicHits{}
					hits[ref.topic] = h
				}
				if slices.Contains(h.terms, w) {
					continue
				}
				h.terms = append(h.terms, w)
				h.score += ref.weight * boost
			}
		}
	}
	scan(text.Title, titleBoost)
	scan(text.Body, 1)

	matches := []model.TopicMatch{}
	for i, h := range hits {
		tp := t.topics[i]
		score := math.Round(h.score*100) / 100
		if score >= tp.threshold {
			matches = append(matches, model.TopicMatch{ID: tp.id, Name: tp.name, Score: score, Terms: h.terms})
		}
	}
	slices.SortFunc(matches, func(a, b model.TopicMatch) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return matches
}
