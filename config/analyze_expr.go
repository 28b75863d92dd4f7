package config

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Expr is a rule of the analyzer's small boolean language, as analysts write
// it in the taxonomy and the severity rules:
//
//	all(食堂, any(过期, 变质, 发霉))     every argument holds
//	any(夜市, 烧烤摊)                   at least one argument holds
//	none(演唱会, 票房)                   no argument holds
//	deaths >= 3                        a figure compared with a number
//	topic = work_safety                a figure compared with a name
//
// A bare word holds when the text contains it as a whole word. Arguments are
// separated by commas (",", "，" or "、"); spaces are ignored.
type Expr struct {
	// Op is one of the Expr* constants.
	Op string
	// Word is the word of an ExprWord, or the figure of an ExprCompare.
	Word string
	// Cmp is the comparison of an ExprCompare: >=, >, <=, <, = or !=.
	Cmp string
	// Number is the right-hand side of a numeric comparison; Name that of a
	// comparison with a name (topic = work_safety).
	Number float64
	Name   string
	Args   []Expr
}

// Kinds of Expr.
const (
	ExprWord    = "word"
	ExprCompare = "compare"
	ExprAll     = "all"
	ExprAny     = "any"
	ExprNone    = "none"
)

// Limits that keep a rule readable and its evaluation cheap.
const (
	maxExprLen   = 4000
	maxExprDepth = 16
)

// ParseExpr parses a rule. The error says what is wrong and at which
// character.
func ParseExpr(text string) (Expr, error) {
	if len(text) > maxExprLen {
		return Expr{}, fmt.Errorf("rule is longer than %d bytes", maxExprLen)
	}
	if !utf8.ValidString(text) {
		return Expr{}, errors.New("rule is not valid UTF-8")
	}
	p := &exprParser{src: []rune(text)}
	e, err := p.expr(0)
	if err != nil {
		return Expr{}, err
	}
	p.skipSpace()
	if p.pos < len(p.src) {
		return Expr{}, p.errorf("unexpected %q after the rule", string(p.src[p.pos]))
	}
	return e, nil
}

// String writes the rule back in canonical form; ParseExpr reads it again
// to an equal Expr.
func (e Expr) String() string {
	switch e.Op {
	case ExprWord:
		return e.Word
	case ExprCompare:
		if e.Name != "" {
			return e.Word + " " + e.Cmp + " " + e.Name
		}
		return e.Word + " " + e.Cmp + " " + strconv.FormatFloat(e.Number, 'g', -1, 64)
	}
	args := make([]string, len(e.Args))
	for i, a := range e.Args {
		args[i] = a.String()
	}
	return e.Op + "(" + strings.Join(args, ", ") + ")"
}

// Words returns the words the rule tests, each once, in order.
func (e Expr) Words() []string {
	var words []string
	seen := map[string]bool{}
	var walk func(Expr)
	walk = func(x Expr) {
		if x.Op == ExprWord && !seen[x.Word] {
			seen[x.Word] = true
			words = append(words, x.Word)
		}
		for _, a := range x.Args {
			walk(a)
		}
	}
	walk(e)
	return words
}

// Figures returns the figures the rule compares (deaths, sources …), each
// once, in order.
func (e Expr) Figures() []string {
	var figs []string
	var walk func(Expr)
	walk = func(x Expr) {
		if x.Op == ExprCompare && !containsString(figs, x.Word) {
			figs = append(figs, x.Word)
		}
		for _, a := range x.Args {
			walk(a)
		}
	}
	walk(e)
	return figs
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type exprParser struct {
	src []rune
	pos int
}

func (p *exprParser) errorf(format string, args ...any) error {
	return fmt.Errorf("at character %d: %s", p.pos+1, fmt.Sprintf(format, args...))
}

func (p *exprParser) skipSpace() {
	for p.pos < len(p.src) && unicode.IsSpace(p.src[p.pos]) {
		p.pos++
	}
}

func (p *exprParser) peek() rune {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func isSeparator(r rune) bool { return r == ',' || r == '，' || r == '、' }

// isWordChar is true for the characters a word or figure may contain:
// anything but spaces, separators, brackets and comparison signs.
func isWordChar(r rune) bool {
	if unicode.IsSpace(r) || isSeparator(r) || unicode.IsControl(r) {
		return false
	}
	return !strings.ContainsRune("()（）<>=!", r)
}

func (p *exprParser) expr(depth int) (Expr, error) {
	if depth > maxExprDepth {
		return Expr{}, p.errorf("rule is nested deeper than %d levels", maxExprDepth)
	}
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && isWordChar(p.src[p.pos]) {
		p.pos++
	}
	word := string(p.src[start:p.pos])
	if word == "" {
		if p.pos >= len(p.src) {
			return Expr{}, p.errorf("a word or all(…), any(…), none(…) is missing")
		}
		return Expr{}, p.errorf("unexpected %q", string(p.src[p.pos]))
	}
	switch r := p.peek(); {
	case r == '(' || r == '（':
		return p.call(word, depth)
	case r == '<' || r == '>' || r == '=' || r == '!':
		return p.compare(word)
	}
	return Expr{Op: ExprWord, Word: word}, nil
}

func (p *exprParser) call(name string, depth int) (Expr, error) {
	op := strings.ToLower(name)
	if op != ExprAll && op != ExprAny && op != ExprNone {
		return Expr{}, p.errorf("unknown function %q (want all, any or none)", name)
	}
	p.pos++ // the opening bracket
	e := Expr{Op: op}
	for {
		if r := p.peek(); r == ')' || r == '）' {
			p.pos++
			break
		}
		arg, err := p.expr(depth + 1)
		if err != nil {
			return Expr{}, err
		}
		e.Args = append(e.Args, arg)
		switch r := p.peek(); {
		case isSeparator(r):
			p.pos++
		case r == ')' || r == '）':
		case r == 0:
			return Expr{}, p.errorf("%s( is not closed", op)
		default:
			return Expr{}, p.errorf("want a comma or a closing bracket, got %q", string(r))
		}
	}
	if len(e.Args) == 0 {
		return Expr{}, p.errorf("%s() needs at least one argument", op)
	}
	return e, nil
}

func (p *exprParser) compare(figure string) (Expr, error) {
	cmp := ""
	for _, op := range []string{">=", "<=", "!=", ">", "<", "="} {
		if strings.HasPrefix(string(p.src[p.pos:min(p.pos+2, len(p.src))]), op) {
			cmp = op
			break
		}
	}
	if cmp == "" {
		return Expr{}, p.errorf("want a comparison (>=, >, <=, <, =, !=)")
	}
	p.pos += len(cmp)
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && isWordChar(p.src[p.pos]) {
		p.pos++
	}
	value := string(p.src[start:p.pos])
	if value == "" {
		return Expr{}, p.errorf("%s %s needs a value", figure, cmp)
	}
	e := Expr{Op: ExprCompare, Word: figure, Cmp: cmp}
	if n, err := strconv.ParseFloat(value, 64); err == nil {
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return Expr{}, p.errorf("%s %s needs a finite number", figure, cmp)
		}
		e.Number = n
		return e, nil
	}
	if cmp != "=" && cmp != "!=" {
		return Expr{}, p.errorf("%s %s wants a number, got %q", figure, cmp, value)
	}
	e.Name = value
	return e, nil
}
