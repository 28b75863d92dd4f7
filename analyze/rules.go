package analyze

import (
	"fmt"
	"slices"
	"strings"

	"github.com/yuqing/yuqing/config"
)

// Kinds of rule node: config.Expr's ops, as small numbers for eval's switch.
const (
	opWord uint8 = iota
	opCompare
	opAll
	opAny
	opNone
)

var exprOps = map[string]uint8{config.ExprWord: opWord, config.ExprCompare: opCompare,
	config.ExprAll: opAll, config.ExprAny: opAny, config.ExprNone: opNone}

// Figures severity rules compare: the index of each in facts.numbers and
// facts.names.
const (
	figDeaths = iota
	figInjuries
	figMissing
	figCasualties
	figEmergency
	figEmergencies
	figNegativity
	figSources
	figArticles
	figWeight
	figTopic
	figTopics
	figureCount
)

var figureNames = [figureCount]string{"deaths", "injuries", "missing", "casualties", "emergency", "emergencies",
	"negativity", "sources", "articles", "weight", "topic", "topics"}

// rule is a compiled config.Expr, evaluated against the words of a text and,
// in severity rules, against figures. Its words are numbered by the
// vocabulary it is bound to, so that the words of a text are a bitset.
type rule struct {
	op     uint8
	word   string // opWord: normalized word; opCompare: the figure
	id     int32  // opWord: the word's number once bound, -1 before (never holds)
	figure int    // opCompare: index in facts, -1 for a figure not computed (reads 0)
	cmp    string
	number float64
	name   string
	args   []*rule
	source string // the rule as written, for reasons
	// vocab lists the distinct words of the rule in rule order, ids their
	// numbers once bound: present reads them without walking the tree.
	vocab []string
	ids   []int32
	// blocks hold, for an any or none whose arguments are all words, those
	// words as bitmasks, so a long list is one AND per 64 vocabulary words.
	blocks   []wordBlock
	allWords bool
}

// wordBlock is one uint64 of a wordBits with the bits of some words.
type wordBlock struct {
	index int
	mask  uint64
}

// compileRule parses text into a rule; figures lists the figures the rule
// may compare (none for topic rules). Its words hold only once it is bound
// to a vocabulary.
func compileRule(text string, figures []string) (*rule, error) {
	e, err := config.ParseExpr(text)
	if err != nil {
		return nil, fmt.Errorf("rule %q: %w", text, err)
	}
	r, err := fromExpr(e, figures)
	if err != nil {
		return nil, fmt.Errorf("rule %q: %w", text, err)
	}
	r.source = e.String()
	r.collect(&r.vocab)
	r.ids = make([]int32, len(r.vocab))
	for i := range r.ids {
		r.ids[i] = -1
	}
	return r, nil
}

func fromExpr(e config.Expr, figures []string) (*rule, error) {
	op, ok := exprOps[e.Op]
	if !ok {
		return nil, fmt.Errorf("unknown rule op %q", e.Op)
	}
	r := &rule{op: op, cmp: e.Cmp, number: e.Number, name: e.Name, id: -1, figure: -1}
	switch op {
	case opWord:
		r.word = normalizeWord(e.Word)
		if strings.IndexFunc(r.word, isWordRune) < 0 {
			return nil, fmt.Errorf("word %q has no letter or digit", e.Word)
		}
	case opCompare:
		r.word = e.Word
		if !containsStr(figures, e.Word) {
			if len(figures) == 0 {
				return nil, fmt.Errorf("comparisons (%s) are for severity rules", e.Word)
			}
			return nil, fmt.Errorf("unknown figure %q (want one of %s)", e.Word, strings.Join(figures, ", "))
		}
		if named := e.Word == "topic" || e.Word == "emergency"; named != (e.Name != "") {
			return nil, fmt.Errorf("%s %s: want %s", e.Word, e.Cmp, map[bool]string{true: "a name", false: "a number"}[named])
		}
		r.figure = slices.Index(figureNames[:], e.Word)
	}
	r.allWords = len(e.Args) > 0
	for _, a := range e.Args {
		child, err := fromExpr(a, figures)
		if err != nil {
			return nil, err
		}
		r.args = append(r.args, child)
		r.allWords = r.allWords && child.op == opWord
	}
	return r, nil
}

// collect appends the rule's words not yet in list, in rule order.
func (r *rule) collect(list *[]string) {
	if r.op == opWord && !slices.Contains(*list, r.word) {
		*list = append(*list, r.word)
	}
	for _, a := range r.args {
		a.collect(list)
	}
}

// bind numbers the rule's words in v, adding those v lacks. A rule is bound
// once, while it is compiled: a bound rule is never changed again.
func (r *rule) bind(v *vocabulary) {
	for i, w := range r.vocab {
		r.ids[i] = v.add(w)
	}
	r.bindNode(v)
}

func (r *rule) bindNode(v *vocabulary) {
	if r.op == opWord {
		r.id = v.add(r.word)
	}
	for _, a := range r.args {
		a.bindNode(v)
	}
	if !r.allWords || (r.op != opAny && r.op != opNone) {
		return
	}
	r.blocks = r.blocks[:0]
	for _, a := range r.args {
		index, mask := int(a.id>>6), uint64(1)<<(a.id&63)
		if k := slices.IndexFunc(r.blocks, func(b wordBlock) bool { return b.index == index }); k >= 0 {
			r.blocks[k].mask |= mask
		} else {
			r.blocks = append(r.blocks, wordBlock{index: index, mask: mask})
		}
	}
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// facts is what a rule is evaluated against: the words of a text, numbered
// by the vocabulary the rule is bound to, and the figures of severity.
type facts struct {
	words   wordBits
	numbers [figureCount]float64
	names   [figureCount][]string // names present (topic, emergency)
}

// eval reports whether the rule holds.
func (r *rule) eval(f *facts) bool {
	switch r.op {
	case opWord:
		return f.words.has(r.id)
	case opCompare:
		if r.name != "" {
			var names []string
			if r.figure >= 0 {
				names = f.names[r.figure]
			}
			return containsStr(names, r.name) == (r.cmp == "=")
		}
		var v float64
		if r.figure >= 0 {
			v = f.numbers[r.figure]
		}
		return compare(v, r.cmp, r.number)
	case opAll:
		for _, a := range r.args {
			if !a.eval(f) {
				return false
			}
		}
		return true
	case opAny:
		return r.anyArg(f)
	case opNone:
		return !r.anyArg(f)
	}
	panic(fmt.Sprintf("analyze: unknown rule op %d", r.op))
}

// anyArg reports whether some argument holds.
func (r *rule) anyArg(f *facts) bool {
	if r.blocks != nil {
		for _, b := range r.blocks {
			if b.index < len(f.words) && f.words[b.index]&b.mask != 0 {
				return true
			}
		}
		return false
	}
	for _, a := range r.args {
		if a.eval(f) {
			return true
		}
	}
	return false
}

func compare(v float64, cmp string, n float64) bool {
	switch cmp {
	case ">=":
		return v >= n
	case ">":
		return v > n
	case "<=":
		return v <= n
	case "<":
		return v < n
	case "=":
		return v == n
	case "!=":
		return v != n
	}
	return false
}

// words returns the distinct words the rule tests, in rule order. The slice
// is the rule's own: do not change it.
func (r *rule) words() []string { return r.vocab }

// present returns the words of the rule that hold in f, each once, in rule
// order: what explains why a rule held.
func (r *rule) present(f *facts) []string { return r.appendPresent(nil, f) }

// appendPresent appends to list the words of the rule that hold in f and
// are not in list yet, in rule order.
func (r *rule) appendPresent(list []string, f *facts) []string {
	for i, id := range r.ids {
		if f.words.has(id) && !containsStr(list, r.vocab[i]) {
			list = append(list, r.vocab[i])
		}
	}
	return list
}

// vocabulary numbers words densely from 0, so that a set of them is a
// bitset.
type vocabulary struct {
	ids   map[string]int32
	words []string
}

// add returns the number of w, numbering it if it is new.
func (v *vocabulary) add(w string) int32 {
	if id, ok := v.ids[w]; ok {
		return id
	}
	if v.ids == nil {
		v.ids = map[string]int32{}
	}
	id := int32(len(v.words))
	v.ids[w] = id
	v.words = append(v.words, w)
	return id
}

// lookup returns the number of w, -1 if it has none.
func (v *vocabulary) lookup(w string) int32 {
	if id, ok := v.ids[w]; ok {
		return id
	}
	return -1
}

func (v *vocabulary) size() int { return len(v.words) }

// wordBits is a set of words of a vocabulary.
type wordBits []uint64

// bitsFor returns b emptied and sized for n words, reusing its memory.
func bitsFor(b wordBits, n int) wordBits {
	b = grow(b, (n+63)/64)
	clear(b)
	return b
}

func (b wordBits) has(id int32) bool {
	i := int(id >> 6)
	return id >= 0 && i < len(b) && b[i]&(1<<(id&63)) != 0
}

func (b wordBits) set(id int32) { b[id>>6] |= 1 << (id & 63) }
