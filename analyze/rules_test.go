package analyze

import (
	"strings"
	"testing"

	"github.com/yuqing/yuqing/config"
)

func TestRuleEval(t *testing.T) {
	f := &facts{
		words:   map[string]bool{"食堂": true, "过期": true, "p2p": true},
		numbers: map[string]float64{"deaths": 3, "negativity": 0.7},
		names:   map[string][]string{"topic": {"work_safety"}, "emergency": {"mass", "fire"}},
	}
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
		if got := r.eval(f); got != tt.want {
			t.Errorf("%s = %v, want %v", tt.rule, got, tt.want)
		}
	}
	r, _ := compileRule("all(食堂, any(过期, 变质), none(演唱会))", nil)
	if got := r.present(f); strings.Join(got, ",") != "食堂,过期" {
		t.Errorf("present() = %v, want the words that held", got)
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
