package analyze

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/yuqing/yuqing/model"
)

// topicVerdict is what happened to one topic that had evidence in an item:
// the explanation behind a tag, or behind a tag not given.
type topicVerdict struct {
	id, name string
	score    float64
	terms    []string // words that counted, in order of first appearance
	counted  []string // the terms counted (a suffix term once)
	rules    []string // names of the rules that held
	evidence int      // distinct terms and rules
	inTitle  bool     // some evidence is in the title
	kept     bool
	why      string // why it was not kept
}

// wordFacts collects the words of an item for rules: all of them, and those
// of the title alone.
func wordFacts(d *scanned) (all, title *facts) {
	all = &facts{words: make(map[string]bool, len(d.tokens))}
	title = &facts{words: map[string]bool{}}
	for _, tk := range d.tokens {
		all.words[tk.word] = true
		if tk.field == fieldTitle {
			title.words[tk.word] = true
		}
	}
	return all, title
}

// match scores every topic with evidence and decides which are tagged.
func (t *Taxonomy) match(d *scanned, all, title *facts) ([]model.TopicMatch, []topicVerdict) {
	verdicts := map[int]*topicVerdict{}
	get := func(i int) *topicVerdict {
		v := verdicts[i]
		if v == nil {
			tp := t.topics[i]
			v = &topicVerdict{id: tp.id, name: tp.name}
			verdicts[i] = v
		}
		return v
	}
	for _, tk := range d.tokens {
		for _, ref := range t.index[tk.word] {
			v := get(ref.topic)
			if slices.Contains(v.counted, tk.word) {
				continue
			}
			v.counted = append(v.counted, tk.word)
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
	for i, tp := range t.topics {
		for _, wr := range tp.rules {
			if !wr.rule.eval(all) {
				continue
			}
			v := get(i)
			w := wr.weight
			if wr.rule.eval(title) {
				w *= tp.titleBoost
				v.inTitle = true
			}
			v.score += w
			v.evidence++
			v.rules = append(v.rules, wr.name)
			for _, word := range wr.rule.present(all) {
				if !slices.Contains(v.terms, word) {
					v.terms = append(v.terms, word)
				}
			}
		}
	}
	list := make([]*topicVerdict, 0, len(verdicts))
	for i, v := range verdicts {
		v.score = math.Round(v.score*100) / 100
		v.why = t.rejection(i, v, all)
		list = append(list, v)
	}
	slices.SortFunc(list, func(a, b *topicVerdict) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return t.choose(list, all)
}

// rejection says why a topic cannot be tagged on its own evidence, or "".
func (t *Taxonomy) rejection(i int, v *topicVerdict, all *facts) string {
	tp := t.topics[i]
	switch {
	case v.score < tp.threshold:
		return fmt.Sprintf("score %.2f below threshold %.2f", v.score, tp.threshold)
	case !v.inTitle && v.evidence < t.defaults.BodyMinEvidence:
		return fmt.Sprintf("only %d piece(s) of evidence, all in the body: a passing mention", v.evidence)
	case tp.require != nil && !tp.require.eval(all):
		return "required context missing: " + tp.require.source
	case tp.exclude != nil && tp.exclude.eval(all):
		return "excluded by " + tp.exclude.source
	}
	return ""
}

// choose applies the taxonomy-wide exclusions and keeps the strongest
// topic and the ones close enough to it.
func (t *Taxonomy) choose(list []*topicVerdict, all *facts) ([]model.TopicMatch, []topicVerdict) {
	candidates := false
	for _, v := range list {
		candidates = candidates || v.why == ""
	}
	for _, ex := range t.exclude {
		if !candidates || !ex.rule.eval(all) {
			continue
		}
		for _, v := range list {
			if v.why == "" && (ex.keepScore == 0 || v.score < ex.keepScore) {
				v.why = fmt.Sprintf("not hot-topic news: %s (%s)", ex.name, strings.Join(ex.rule.present(all), ","))
			}
		}
	}
	matches := []model.TopicMatch{}
	var top float64
	out := make([]topicVerdict, 0, len(list))
	for _, v := range list {
		if v.why == "" && len(matches) > 0 {
			switch {
			case len(matches) >= t.defaults.MaxTopics:
				v.why = fmt.Sprintf("already %d topics", len(matches))
			case v.score < t.defaults.SecondaryRatio*top:
				v.why = fmt.Sprintf("score %.2f is less than %.0f%% of the lead topic's %.2f: a secondary mention",
					v.score, t.defaults.SecondaryRatio*100, top)
			}
		}
		if v.why == "" {
			if len(matches) == 0 {
				top = v.score
			}
			v.kept = true
			matches = append(matches, model.TopicMatch{ID: v.id, Name: v.name, Score: v.score, Terms: v.terms})
		}
		out = append(out, *v)
	}
	return matches, out
}
