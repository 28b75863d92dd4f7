package analyze

import (
	"fmt"
	"strings"

	"github.com/yuqing/yuqing/config"
)

// rule is a compiled config.Expr, evaluated against the words of a text and,
// in severity rules, against figures.
type rule struct {
	op     string
	word   string // ExprWord: normalized word; ExprCompare: the figure
	cmp    string
	number float64
	name   string
	args   []*rule
	source string // the rule as written, for reasons
	// wordSet holds the arguments of an any or none whose arguments are
	// all words, so a long list is checked against the (usually fewer)
	// words of the text instead of word by word.
	wordSet map[string]bool
}

// compileRule parses text into a rule; figures lists the figures the rule
// may compare (none for topic rules).
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
	return r, nil
}

func fromExpr(e config.Expr, figures []string) (*rule, error) {
	r := &rule{op: e.Op, cmp: e.Cmp, number: e.Number, name: e.Name}
	switch e.Op {
	case config.ExprWord:
		r.word = normalizeWord(e.Word)
		if strings.IndexFunc(r.word, isWordRune) < 0 {
			return nil, fmt.Errorf("word %q has no letter or digit", e.Word)
		}
	case config.ExprCompare:
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
	}
	allWords := len(e.Args) > 0
	for _, a := range e.Args {
		child, err := fromExpr(a, figures)
		if err != nil {
			return nil, err
		}
		r.args = append(r.args, child)
		allWords = allWords && child.op == config.ExprWord
	}
	if allWords && (r.op == config.ExprAny || r.op == config.ExprNone) && len(r.args) > 4 {
		r.wordSet = map[string]bool{}
		for _, a := range r.args {
			r.wordSet[a.word] = true
		}
	}
	return r, nil
}

// anyWord reports whether a word of the set is in f, iterating the smaller
// side.
func (r *rule) anyWord(f *facts) bool {
	if len(f.words) < len(r.wordSet) {
		for w := range f.words {
			if r.wordSet[w] {
				return true
			}
		}
		return false
	}
	for w := range r.wordSet {
		if f.words[w] {
			return true
		}
	}
	return false
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// facts is what a rule is evaluated against.
type facts struct {
	words   map[string]bool
	numbers map[string]float64
	names   map[string][]string // figure → names present (topic, emergency)
}

// eval reports whether the rule holds.
func (r *rule) eval(f *facts) bool {
	switch r.op {
	case config.ExprWord:
		return f.words[r.word]
	case config.ExprCompare:
		if r.name != "" {
			has := containsStr(f.names[r.word], r.name)
			return has == (r.cmp == "=")
		}
		return compare(f.numbers[r.word], r.cmp, r.number)
	case config.ExprAll:
		for _, a := range r.args {
			if !a.eval(f) {
				return false
			}
		}
		return true
	case config.ExprAny:
		if r.wordSet != nil {
			return r.anyWord(f)
		}
		for _, a := range r.args {
			if a.eval(f) {
				return true
			}
		}
		return false
	case config.ExprNone:
		if r.wordSet != nil {
			return !r.anyWord(f)
		}
		for _, a := range r.args {
			if a.eval(f) {
				return false
			}
		}
		return true
	}
	panic("analyze: unknown rule op " + r.op)
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

// words returns the words the rule tests.
func (r *rule) words() []string {
	var out []string
	if r.op == config.ExprWord {
		out = append(out, r.word)
	}
	for _, a := range r.args {
		out = append(out, a.words()...)
	}
	return out
}

// present returns the words of the rule that hold in f, each once, in rule
// order: what explains why a rule held.
func (r *rule) present(f *facts) []string {
	var out []string
	for _, w := range r.words() {
		if f.words[w] && !containsStr(out, w) {
			out = append(out, w)
		}
	}
	return out
}
