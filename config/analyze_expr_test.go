package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseExpr(t *testing.T) {
	w := func(s string) Expr { return Expr{Op: ExprWord, Word: s} }
	tests := []struct {
		in   string
		want Expr
	}{
		{"房价", w("房价")},
		{"  房价 ", w("房价")},
		{"all(食堂, any(过期, 变质))", Expr{Op: ExprAll, Args: []Expr{w("食堂"), {Op: ExprAny, Args: []Expr{w("过期"), w("变质")}}}}},
		{"none（演唱会，票房、专辑）", Expr{Op: ExprNone, Args: []Expr{w("演唱会"), w("票房"), w("专辑")}}},
		{"ANY(a,)", Expr{Op: ExprAny, Args: []Expr{w("a")}}},
		{"deaths >= 3", Expr{Op: ExprCompare, Word: "deaths", Cmp: ">=", Number: 3}},
		{"negativity<0.5", Expr{Op: ExprCompare, Word: "negativity", Cmp: "<", Number: 0.5}},
		{"topic = work_safety", Expr{Op: ExprCompare, Word: "topic", Cmp: "=", Name: "work_safety"}},
		{"emergency != mass", Expr{Op: ExprCompare, Word: "emergency", Cmp: "!=", Name: "mass"}},
		{"all(deaths > 1, sources <= 5)", Expr{Op: ExprAll, Args: []Expr{
			{Op: ExprCompare, Word: "deaths", Cmp: ">", Number: 1}, {Op: ExprCompare, Word: "sources", Cmp: "<=", Number: 5}}}},
		{"all", w("all")}, // a word, not a call
		{"*大学", w("*大学")},
	}
	for _, tt := range tests {
		got, err := ParseExpr(tt.in)
		if err != nil {
			t.Errorf("ParseExpr(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseExpr(%q) =\n%+v\nwant\n%+v", tt.in, got, tt.want)
		}
		again, err := ParseExpr(got.String())
		if err != nil || !reflect.DeepEqual(again, got) {
			t.Errorf("ParseExpr(%q).String() = %q does not read back: %+v, %v", tt.in, got.String(), again, err)
		}
	}
}

func TestParseExprErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "a word or all(…), any(…), none(…) is missing"},
		{"all(甲, 乙", "all( is not closed"},
		{"all()", "all() needs at least one argument"},
		{"some(甲)", `unknown function "some"`},
		{"甲 乙", `unexpected "乙" after the rule`},
		{"all(甲 乙)", "want a comma or a closing bracket"},
		{"deaths >=", "needs a value"},
		{"deaths > many", "wants a number"},
		{"x = NaN", "finite"},
		{"(甲)", `unexpected "("`},
		{strings.Repeat("all(", 20) + "甲" + strings.Repeat(")", 20), "nested deeper"},
		{strings.Repeat("甲", 2000), "longer than"},
		{"\xff", "UTF-8"},
	}
	for _, tt := range tests {
		_, err := ParseExpr(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseExpr(%q) = %v, want an error containing %q", tt.in, err, tt.want)
		}
	}
}

func TestExprWordsAndFigures(t *testing.T) {
	e, err := ParseExpr("all(甲, any(乙, 甲, deaths >= 3), none(丙), topic = x, deaths < 9)")
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Words(); !reflect.DeepEqual(got, []string{"甲", "乙", "丙"}) {
		t.Errorf("Words() = %v", got)
	}
	if got := e.Figures(); !reflect.DeepEqual(got, []string{"deaths", "topic"}) {
		t.Errorf("Figures() = %v", got)
	}
}

// Whatever analysts type, the parser returns a rule or an error, never
// panics, and a rule it returns reads back the same from its String.
func FuzzParseExpr(f *testing.F) {
	for _, seed := range []string{"all(食堂, any(过期, 变质))", "none（甲，乙）", "deaths >= 3", "topic=x",
		"all(", ")", "a,b", "any(a,,b)", "x >= 1e400", "all(all(all(a)))", "甲 !=", "，、", "\x00"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		e, err := ParseExpr(in)
		if err != nil {
			return
		}
		again, err := ParseExpr(e.String())
		if err != nil {
			t.Fatalf("ParseExpr(%q).String() = %q does not parse: %v", in, e.String(), err)
		}
		if !reflect.DeepEqual(again, e) {
			t.Fatalf("round trip of %q changed the rule:\n%+v\n%+v", in, e, again)
		}
	})
}
