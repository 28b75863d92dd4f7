package analyze

import (
	"strings"
	"testing"

	"github.com/yuqing/yuqing/config"
)

// factsOf returns the facts of a text with the given words and figures,
// its words numbered in v.
func factsOf(v *vocabulary, words []string, numbers map[string]float64, names map[string][]string) *facts {
	f := &facts{}
	for _, w := range words {
		v.add(w)
	}
	f.words = bitsFor(nil, v.size())
	for _, w := range words {
		f.words.set(v.lookup(w))
	}
	for i, name := range figureNames {
		f.numbers[i], f.names[i] = numbers[name], names[name]
	}
	return f
}

func TestRuleEval(t *testing.T) {
	words := []string{"食堂", "过期", "p2p"}
	numbers := map[string]float64{"deaths": 3, "negativity": 0.7}
	names := map[string][]string{"topic": {"work_safety"}, "emergency": {"mass", "fire"}}
	tests := []struct {
		rule string
		want bool
	}{
		{"食堂", true},
		{"变质", false},
		{"P2P", true}, // words are normalized like text
		{"all(食堂, 过期)", true},
		{"all(食堂, 变质)", false},
		{"any(变质, 过期)", true},
		{"any(变质, 发霉)", false},
		{"none(变质, 发霉)", true},
		{"none(变质, 过期)", false},
		{"any(变质, 发霉, 霉变, 腐烂, 长虫, 过期)", true}, // a long list of words is a bitmask
		{"any(变质, 发霉, 霉变, 腐烂, 长虫, 异物)", false},
		{"none(变质, 发霉, 霉变, 腐烂, 长虫, 过期)", false},
		{"none(变质, 发霉, 霉变, 腐烂, 长虫, 异物)", true},
		{"all(食堂, none(演唱会), any(过期, 变质))", true},
		{"deaths >= 3", true},
		{"deaths > 3", false},
		{"deaths <= 3", true},
		{"deaths < 3", false},
		{"deaths = 3", true},
		{"deaths != 3", false},
		{"injuries >= 1", false}, // a missing figure is 0
		{"negativity >= 0.6", true},
		{"topic = work_safety", true},
		{"topic = education", false},
		{"topic != education", true},
		{"emergency = fire", true},
		{"all(emergency = mass, deaths >= 1, 食堂)", true},
	}
	for _, tt := range tests {
		r, err := compileRule(tt.rule, config.SeverityFigures)
		if err != nil {
			t.Errorf("compileRule(%q): %v", tt.rule, err)
			continue
		}
		// Words are numbered by the rule first, then by the text, as the
		// taxonomy does, and the other way round.
		var byRule, byText vocabulary
		r.bind(&byRule)
		if got := r.eval(factsOf(&byRule, words, numbers, names)); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.rule, got, tt.want)
		}
		f := factsOf(&byText, words, numbers, names)
		r, _ = compileRule(tt.rule, config.SeverityFigures)
		r.bind(&byText)
		if got := r.eval(f); got != tt.want {
			t.Errorf("%s = %v with the text's words numbered first, want %v", tt.rule, got, tt.want)
		}
	}
	var v vocabulary
	r, _ := compileRule("all(食堂, any(过期, 变质), none(演唱会))", nil)
	r.bind(&v)
	f := factsOf(&v, words, numbers, names)
	if got := r.present(f); strings.Join(got, ",") != "食堂,过期" {
		t.Errorf("present() = %v, want the words that held", got)
	}
	if got := r.appendPresent([]string{"过期"}, f); strings.Join(got, ",") != "过期,食堂" {
		t.Errorf("appendPresent() = %v, want the words that held appended once", got)
	}
}

// An unbound rule (a severity rule: severity has no words of the text)
// finds no word, and a text's facts know no word of a rule bound elsewhere.
func TestRuleUnboundWords(t *testing.T) {
	var v vocabulary
	f := factsOf(&v, []string{"食堂"}, nil, nil)
	for _, tt := range []struct {
		rule string
		want bool
	}{{"食堂", false}, {"any(食堂, 学校)", false}, {"none(食堂, 学校, 医院, 工地, 夜市)", true}} {
		r, err := compileRule(tt.rule, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.eval(f); got != tt.want {
			t.Errorf("unbound %s = %v, want %v", tt.rule, got, tt.want)
		}
	}
	var other vocabulary
	for range 200 {
		other.add("x" + strings.Repeat("y", other.size()))
	}
	r, _ := compileRule("any(甲, 乙, 丙, 丁, 戊)", nil)
	r.bind(&other)
	if r.eval(f) {
		t.Error("a rule numbered beyond the text's facts held")
	}
}

func TestCompileRuleErrors(t *testing.T) {
	tests := []struct {
		rule    string
		figures []string
		want    string
	}{
		{"all(", nil, "is missing"},
		{"all(甲", nil, "is not closed"},
		{"deaths >= 3", nil, "comparisons (deaths) are for severity rules"},
		{"wounded >= 3", config.SeverityFigures, `unknown figure "wounded"`},
		{"topic >= 3", config.SeverityFigures, "topic >=: want a name"},
		{"deaths = many", config.SeverityFigures, "deaths =: want a number"},
		{"any(，)", nil, "unexpected"},
		{"any(。)", nil, "has no letter or digit"},
	}
	for _, tt := range tests {
		_, err := compileRule(tt.rule, tt.figures)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("compileRule(%q) = %v, want an error containing %q", tt.rule, err, tt.want)
		}
	}
}
