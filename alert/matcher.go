package alert

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/yuqing/yuqing/model"
)

// Route labels. An item is routed once per matched topic, so "topic" holds a
// single value while "region" may hold several.
const (
	LabelTopic    = "topic"
	LabelRegion   = "region"
	LabelSeverity = "severity"
	LabelSource   = "source"
	LabelStory    = "story"
)

var knownLabels = []string{LabelTopic, LabelRegion, LabelSeverity, LabelSource, LabelStory}

// Labels maps a label name to its set of values. A missing label or an
// empty set reads as the single value "", as in Alertmanager, so that
// `story = ""` selects items that belong to no story.
type Labels map[string][]string

// ItemLabels returns the labels under which t is routed for one of its
// topics.
func ItemLabels(t model.TaggedItem, topic string) Labels {
	return Labels{
		LabelTopic:    {topic},
		LabelRegion:   slices.Clone(t.Analysis.Regions),
		LabelSeverity: {t.Analysis.Severity.String()},
		LabelSource:   {t.Item.SourceID},
		LabelStory:    {t.Analysis.StoryID},
	}
}

// MatchOp is the comparison of a matcher.
type MatchOp string

// The four matcher operators, with Alertmanager's meaning lifted to sets.
const (
	MatchEqual     MatchOp = "="  // the set contains the value
	MatchNotEqual  MatchOp = "!=" // the set does not contain the value
	MatchRegexp    MatchOp = "=~" // some value matches the anchored regexp
	MatchNotRegexp MatchOp = "!~" // no value matches the anchored regexp
)

// Matcher is one compiled `label op value` condition. It is immutable.
type Matcher struct {
	Label string
	Op    MatchOp
	Value string
	re    *regexp.Regexp
}

// ErrMatcherSyntax is wrapped by every error ParseMatcher returns.
var ErrMatcherSyntax = errors.New("invalid matcher")

// ParseMatcher reads `label op value`, for example `topic = real_estate`,
// `region =~ "通城县|崇阳县"` or `severity != IV`. Spaces around the operator
// are optional. The value may be written in double quotes with Go escapes;
// unquoted, it runs to the end of the text without surrounding spaces.
// Regular expressions are anchored at both ends.
func ParseMatcher(text string) (*Matcher, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w %q: %s", ErrMatcherSyntax, text, fmt.Sprintf(format, args...))
	}
	s := strings.TrimSpace(text)
	end := strings.IndexFunc(s, func(r rune) bool { return !isLabelRune(r) })
	if end < 0 {
		return nil, fail("want label, operator and value (for example: topic = real_estate)")
	}
	label, rest := s[:end], strings.TrimLeft(s[end:], " \t")
	if label == "" {
		return nil, fail("missing label before the operator")
	}
	if !slices.Contains(knownLabels, label) {
		return nil, fail("unknown label %q (known: %s)", label, strings.Join(knownLabels, ", "))
	}
	op, rest, ok := cutOperator(rest)
	if !ok {
		return nil, fail("want an operator after %q: =, !=, =~ or !~", label)
	}
	value, err := parseValue(strings.TrimSpace(rest))
	if err != nil {
		return nil, fail("%v", err)
	}
	m := &Matcher{Label: label, Op: op, Value: value}
	if op == MatchRegexp || op == MatchNotRegexp {
		re, err := regexp.Compile("^(?:" + value + ")$")
		if err != nil {
			return nil, fail("bad regular expression: %v", err)
		}
		m.re = re
	}
	return m, nil
}

func isLabelRune(r rune) bool {
	return r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

func cutOperator(s string) (MatchOp, string, bool) {
	// Two-character operators first: "=~" must not read as "=" + "~…".
	for _, op := range []MatchOp{MatchRegexp, MatchNotRegexp, MatchNotEqual, MatchEqual} {
		if rest, ok := strings.CutPrefix(s, string(op)); ok {
			return op, rest, true
		}
	}
	return "", s, false
}

func parseValue(s string) (string, error) {
	if strings.HasPrefix(s, `"`) {
		v, err := strconv.Unquote(s)
		if err != nil {
			return "", errors.New(`the quoted value is not closed or has a bad escape (write "…" with \" and \\ inside)`)
		}
		return v, nil
	}
	switch {
	case s == "":
		return "", errors.New(`missing value (write "" for the empty value)`)
	case strings.ContainsAny(s, "\"\n"):
		return "", errors.New("an unquoted value cannot contain quotes or line breaks")
	case strings.ContainsAny(s[:1], "=!~"):
		// Most likely a typo such as "==" or "=!": say so rather than
		// match the literal text.
		return "", fmt.Errorf("an unquoted value cannot start with %q (quote it if you mean it)", s[:1])
	}
	return s, nil
}

// Matches reports whether the set of values satisfies the matcher. An empty
// set is read as {""}.
func (m *Matcher) Matches(values []string) bool {
	if len(values) == 0 {
		values = []string{""}
	}
	switch m.Op {
	case MatchEqual:
		return slices.Contains(values, m.Value)
	case MatchNotEqual:
		return !slices.Contains(values, m.Value)
	case MatchRegexp:
		return slices.ContainsFunc(values, m.re.MatchString)
	case MatchNotRegexp:
		return !slices.ContainsFunc(values, m.re.MatchString)
	}
	panic("alert: matcher with unknown operator " + string(m.Op))
}

// String returns the canonical form, which ParseMatcher reads back to an
// equal matcher.
func (m *Matcher) String() string {
	return m.Label + string(m.Op) + strconv.Quote(m.Value)
}

// matchAll reports whether every matcher holds for l.
func matchAll(ms []*Matcher, l Labels) bool {
	for _, m := range ms {
		if !m.Matches(l[m.Label]) {
			return false
		}
	}
	return true
}
