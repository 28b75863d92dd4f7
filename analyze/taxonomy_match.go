package analyze

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/yuqing/yuqing/model"
)

// topicVerdict is what happened to one topic that had evidence in an item:
// the explanation behind a tag, or behind a tag not given.
type topicVerdict struct {
	id, name string
	score    float64
	terms    []string // words that counted, in order of first appearance
	rules    []string // names of the rules that held
	evidence int      // distinct terms and rules
	inTitle  bool     // some evidence is in the title
	kept     bool
	reject   rejection // why it was not kept
}

// Reasons a topic is not tagged.
const (
	notRejected uint8 = iota
	rejectThreshold
	rejectPassing
	rejectRequire
	rejectExclude
	rejectNotHotTopic
	rejectTooMany
	rejectSecondary
)

// rejection is why a topic was not tagged, kept as its figures: the
// sentence is written only when someone reads it (why).
type rejection struct {
	kind   uint8
	limit  float64 // the threshold, or the lead topic's score
	ratio  float64 // the secondary ratio
	count  int     // the topics already tagged
	detail string  // the rule, or the exclusion and its words
}

func (v *topicVerdict) rejected() bool { return v.reject.kind != notRejected }

// why says why the topic was not tagged, "" if it was or may be.
func (v *topicVerdict) why() string {
	r := v.reject
	switch r.kind {
	case rejectThreshold:
		return "score " + fmt2(v.score) + " below threshold " + fmt2(r.limit)
	case rejectPassing:
		return "only " + strconv.Itoa(v.evidence) + " piece(s) of evidence, all in the body: a passing mention"
	case rejectRequire:
		return "required context missing: " + r.detail
	case rejectExclude:
		return "excluded by " + r.detail
	case rejectNotHotTopic:
		return "not hot-topic news: " + r.detail
	case rejectTooMany:
		return "already " + strconv.Itoa(r.count) + " topics"
	case rejectSecondary:
		return "score " + fmt2(v.score) + " is less than " + strconv.FormatFloat(r.ratio*100, 'f', 0, 64) +
			"% of the lead topic's " + fmt2(r.limit) + ": a secondary mention"
	}
	return ""
}

// fmt2 is fmt's %.2f.
func fmt2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// topicScratch holds the buffers of one item's topic matching.
type topicScratch struct {
	all, title facts
	verdicts   []topicVerdict  // by topic
	active     []bool          // by topic: has evidence
	list       []*topicVerdict // the verdicts with evidence, strongest first once matched
}

// reset readies the buffers for an item of t.
func (sc *topicScratch) reset(t *Taxonomy) {
	n := t.vocab.size()
	sc.all.words = bitsFor(sc.all.words, n)
	sc.title.words = bitsFor(sc.title.words, n)
	if len(sc.verdicts) != len(t.topics) {
		sc.verdicts = make([]topicVerdict, len(t.topics))
		sc.active = make([]bool, len(t.topics))
	}
	sc.forget()
}

// forget empties the verdicts, keeping the memory of their lists but not
// the words in them (suffix terms are pieces of the item's text).
func (sc *topicScratch) forget() {
	for _, v := range sc.list {
		clear(v.terms)
		*v = topicVerdict{terms: v.terms[:0], rules: v.rules[:0]}
	}
	clear(sc.active)
	sc.list = sc.list[:0]
}

// verdict returns the verdict on topic i, opening it at its first evidence.
func (sc *topicScratch) verdict(t *Taxonomy, i int) *topicVerdict {
	v := &sc.verdicts[i]
	if !sc.active[i] {
		sc.active[i] = true
		v.id, v.name = t.topics[i].id, t.topics[i].name
		sc.list = append(sc.list, v)
	}
	return v
}

// match scores every topic with evidence and decides which are tagged.
// roles are those of d's tokens. The verdicts live in sc.
func (t *Taxonomy) match(d *scanned, roles []*wordRole, sc *topicScratch) ([]model.TopicMatch, []*topicVerdict) {
	sc.reset(t)
	all := &sc.all
	for i, tk := range d.tokens {
		id := roles[i].topicWord
		if id < 0 {
			continue
		}
		if tk.field == fieldTitle {
			sc.title.words.set(id)
		}
		// A word counts once, for every topic listing it, where it first
		// appears (the title comes first).
		if all.words.has(id) {
			continue
		}
		all.words.set(id)
		for _, ref := range t.refs[id] {
			v := sc.verdict(t, ref.topic)
			w := ref.weight
			if tk.field == fieldTitle {
				w *= t.topics[ref.topic].titleBoost
				v.inTitle = true
			}
			label := tk.word
			if strings.HasPrefix(label, "*") {
				label = d.text(tk.field)[tk.start:tk.end] // the word as found: 武汉大学
			}
			v.terms = append(v.terms, label)
			v.score += w
			v.evidence++
		}
	}
	t.matchRules(sc)
	for _, v := range sc.list {
		v.score = math.Round(v.score*100) / 100
	}
	for i := range t.topics {
		if sc.active[i] {
			t.reject(i, &sc.verdicts[i], all)
		}
	}
	slices.SortFunc(sc.list, func(a, b *topicVerdict) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return t.choose(sc)
}

// matchRules adds the weighted rules that hold.
func (t *Taxonomy) matchRules(sc *topicScratch) {
	for i := range t.topics {
		tp := &t.topics[i]
		for _, wr := range tp.rules {
			if !wr.rule.eval(&sc.all) {
				continue
			}
			v := sc.verdict(t, i)
			w := wr.weight
			if wr.rule.eval(&sc.title) {
				w *= tp.titleBoost
				v.inTitle = true
			}
			v.score += w
			v.evidence++
			v.rules = append(v.rules, wr.name)
			v.terms = wr.rule.appendPresent(v.terms, &sc.all)
		}
	}
}

// reject records why topic i cannot be tagged on its own evidence, if it
// cannot.
func (t *Taxonomy) reject(i int, v *topicVerdict, all *facts) {
	tp := &t.topics[i]
	switch {
	case v.score < tp.threshold:
		v.reject = rejection{kind: rejectThreshold, limit: tp.threshold}
	case !v.inTitle && v.evidence < t.defaults.BodyMinEvidence:
		v.reject = rejection{kind: rejectPassing}
	case tp.require != nil && !tp.require.eval(all):
		v.reject = rejection{kind: rejectRequire, detail: tp.require.source}
	case tp.exclude != nil && tp.exclude.eval(all):
		v.reject = rejection{kind: rejectExclude, detail: tp.exclude.source}
	}
}

// choose applies the taxonomy-wide exclusions and keeps the strongest
// topic and the ones close enough to it.
func (t *Taxonomy) choose(sc *topicScratch) ([]model.TopicMatch, []*topicVerdict) {
	list := sc.list
	candidates := false
	for _, v := range list {
		candidates = candidates || !v.rejected()
	}
	for k := range t.exclude {
		ex := &t.exclude[k]
		if !candidates || !ex.rule.eval(&sc.all) {
			continue
		}
		detail := ""
		for _, v := range list {
			if !v.rejected() && (ex.keepScore == 0 || v.score < ex.keepScore) {
				if detail == "" {
					detail = ex.name + " (" + strings.Join(ex.rule.present(&sc.all), ",") + ")"
				}
				v.reject = rejection{kind: rejectNotHotTopic, detail: detail}
			}
		}
	}
	var top float64
	kept, terms := 0, 0
	for _, v := range list {
		if !v.rejected() && kept > 0 {
			switch {
			case kept >= t.defaults.MaxTopics:
				v.reject = rejection{kind: rejectTooMany, count: kept}
			case v.score < t.defaults.SecondaryRatio*top:
				v.reject = rejection{kind: rejectSecondary, ratio: t.defaults.SecondaryRatio, limit: top}
			}
		}
		if !v.rejected() {
			if kept == 0 {
				top = v.score
			}
			v.kept = true
			kept++
			terms += len(v.terms)
		}
	}
	return keptMatches(list, kept, terms), list
}

// keptMatches copies the kept verdicts out of the scratch buffers, their
// terms into one allocation.
func keptMatches(list []*topicVerdict, kept, terms int) []model.TopicMatch {
	matches := make([]model.TopicMatch, 0, kept)
	all := make([]string, 0, terms)
	for _, v := range list {
		if !v.kept {
			continue
		}
		var own []string
		if len(v.terms) > 0 {
			all = append(all, v.terms...)
			own = all[len(all)-len(v.terms) : len(all) : len(all)]
		}
		matches = append(matches, model.TopicMatch{ID: v.id, Name: v.name, Score: v.score, Terms: own})
	}
	return matches
}
