package alert_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/yuqing/yuqing/alert"
)

func TestParseMatcher(t *testing.T) {
	tests := []struct {
		text    string
		label   string
		op      alert.MatchOp
		value   string
		wantErr string
	}{
		{text: "topic = real_estate", label: "topic", op: alert.MatchEqual, value: "real_estate"},
		{text: "topic=real_estate", label: "topic", op: alert.MatchEqual, value: "real_estate"},
		{text: "  severity != IV  ", label: "severity", op: alert.MatchNotEqual, value: "IV"},
		{text: `region =~ "通城县|崇阳县"`, label: "region", op: alert.MatchRegexp, value: "通城县|崇阳县"},
		{text: `region=~通城县|崇阳县`, label: "region", op: alert.MatchRegexp, value: "通城县|崇阳县"},
		{text: `source !~ "gov_.*"`, label: "source", op: alert.MatchNotRegexp, value: "gov_.*"},
		{text: `story = ""`, label: "story", op: alert.MatchEqual, value: ""},
		{text: `region = "a \"quoted\" name"`, label: "region", op: alert.MatchEqual, value: `a "quoted" name`},
		{text: `region = 咸宁 高新区`, label: "region", op: alert.MatchEqual, value: "咸宁 高新区"},
		{text: "", wantErr: "want label, operator and value"},
		{text: "topic", wantErr: "want label, operator and value"},
		{text: "= x", wantErr: "missing label"},
		{text: "city = 咸宁", wantErr: `unknown label "city"`},
		{text: "Topic = x", wantErr: `unknown label "Topic"`},
		{text: "topic ~ x", wantErr: "want an operator"},
		{text: "topic = ", wantErr: "missing value"},
		{text: "topic == x", wantErr: `cannot start with "="`},
		{text: "topic =! x", wantErr: `cannot start with "!"`},
		{text: `topic = "open`, wantErr: "not closed"},
		{text: `topic = "a" b`, wantErr: "not closed"},
		{text: `topic = a"b`, wantErr: "cannot contain quotes"},
		{text: `region =~ "(通城"`, wantErr: "bad regular expression"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			m, err := alert.ParseMatcher(tt.text)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, alert.ErrMatcherSyntax) {
					t.Fatalf("ParseMatcher(%q) error = %v, want one containing %q wrapping ErrMatcherSyntax", tt.text, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseMatcher(%q): %v", tt.text, err)
			}
			if m.Label != tt.label || m.Op != tt.op || m.Value != tt.value {
				t.Errorf("ParseMatcher(%q) = %s %s %q, want %s %s %q", tt.text, m.Label, m.Op, m.Value, tt.label, tt.op, tt.value)
			}
		})
	}
}

func TestMatcherSetSemantics(t *testing.T) {
	regions := []string{"通城县", "咸宁市"}
	tests := []struct {
		matcher string
		values  []string
		want    bool
	}{
		{`region = 通城县`, regions, true},
		{`region = 崇阳县`, regions, false},
		{`region != 崇阳县`, regions, true},
		{`region != 通城县`, regions, false},
		{`region =~ "通城.*"`, regions, true},
		{`region =~ "崇阳.*"`, regions, false},
		{`region !~ "崇阳.*"`, regions, true},
		{`region !~ "通城.*"`, regions, false},
		// Anchored: a regexp must match a whole value, as in Alertmanager.
		{`region =~ "通城"`, regions, false},
		{`region =~ "县"`, regions, false},
		// An empty set reads as the single value "".
		{`region = ""`, nil, true},
		{`region = ""`, regions, false},
		{`region != ""`, nil, false},
		{`region != 通城县`, nil, true},
		{`region =~ ".*"`, nil, true},
		{`region =~ ".+"`, nil, false},
		{`region !~ ".+"`, nil, true},
		{`region !~ ".*"`, []string{}, false},
	}
	for _, tt := range tests {
		m, err := alert.ParseMatcher(tt.matcher)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Matches(tt.values); got != tt.want {
			t.Errorf("%s on %q = %v, want %v", tt.matcher, tt.values, got, tt.want)
		}
	}
}

func TestMatcherStringRoundTrip(t *testing.T) {
	for _, text := range []string{`topic=real_estate`, `region =~ "通城县|崇阳县"`, `story = ""`, "source != \"a\\tb\""} {
		m, err := alert.ParseMatcher(text)
		if err != nil {
			t.Fatal(err)
		}
		back, err := alert.ParseMatcher(m.String())
		if err != nil {
			t.Fatalf("ParseMatcher(%q) (from %q): %v", m.String(), text, err)
		}
		if back.Label != m.Label || back.Op != m.Op || back.Value != m.Value {
			t.Errorf("round trip of %q: got %s, want %s", text, back, m)
		}
	}
}

// FuzzParseMatcher checks that the parser never panics on outside input and
// that every matcher it accepts survives a round trip through String.
func FuzzParseMatcher(f *testing.F) {
	for _, seed := range []string{
		"topic = real_estate", `region =~ "通城县|崇阳县"`, "severity != IV", `story = ""`,
		`source !~ "gov_(a|b)"`, `region = "\xff"`, "topic==x", `topic = "a\"b"`, "region=~(", "",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		m, err := alert.ParseMatcher(text)
		if err != nil {
			if !errors.Is(err, alert.ErrMatcherSyntax) {
				t.Fatalf("error %v does not wrap ErrMatcherSyntax", err)
			}
			return
		}
		back, err := alert.ParseMatcher(m.String())
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", m.String(), text, err)
		}
		if back.Label != m.Label || back.Op != m.Op || back.Value != m.Value {
			t.Fatalf("round trip of %q: got %s, want %s", text, back, m)
		}
		// Matching must not panic either, on empty and non-empty sets.
		m.Matches(nil)
		m.Matches([]string{text, m.Value})
	})
}
