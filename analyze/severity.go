package analyze

import (
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// Severity assesses the statutory tier of an item from what its text reports
// (casualties, emergencies), its negativity, topics, the spread of its story
// and the weight of its source. It is immutable and safe for concurrent use.
type Severity struct {
	casualty  map[string]string // word → deaths, injuries or missing
	emergency map[string]string // word → kind
	negators  map[string]bool
	rules     []severityRule
	fallback  model.Severity
	// fallbackReason starts the reason of the default tier.
	fallbackReason string
}

type severityRule struct {
	tier model.Severity
	name string
	rule *rule
	// reason is the start of the reason the rule gives, written once.
	reason string
}

// sevRole is what severity makes of a word.
type sevRole struct {
	casualty                string // the figure: deaths, injuries or missing
	emergency               string // the kind of emergency
	isCasualty, isEmergency bool
	negator                 bool
}

// role returns what severity makes of a word.
func (s *Severity) role(w string) sevRole {
	var r sevRole
	r.casualty, r.isCasualty = s.casualty[w]
	r.emergency, r.isEmergency = s.emergency[w]
	r.negator = s.negators[w]
	return r
}

// CompileSeverity builds the assessor of severity rules; negators are the
// words that negate an emergency or casualty word (无人员伤亡).
func CompileSeverity(sr config.SeverityRules, negators []string) (*Severity, error) {
	s := &Severity{casualty: map[string]string{}, emergency: map[string]string{}, negators: map[string]bool{}, fallback: model.SeverityIV}
	if len(negators) == 0 {
		negators = defaultNegators
	}
	for _, w := range negators {
		s.negators[normalizeWord(w)] = true
	}
	var problems []error
	if sr.Default != "" {
		tier, err := model.ParseSeverity(sr.Default)
		if err != nil {
			problems = append(problems, fmt.Errorf("analyze: compile severity: default: %w", err))
		}
		s.fallback = tier
	}
	for figure, words := range map[string][]string{"deaths": sr.Casualties.Deaths, "injuries": sr.Casualties.Injuries, "missing": sr.Casualties.Missing} {
		for _, w := range words {
			s.casualty[normalizeWord(w)] = figure
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(sr.Emergencies)) {
		for _, w := range sr.Emergencies[kind] {
			s.emergency[normalizeWord(w)] = kind
		}
	}
	for _, cr := range sr.Rules {
		tier, err := model.ParseSeverity(cr.Tier)
		if err != nil {
			problems = append(problems, fmt.Errorf("analyze: compile severity: %s: %w", cr.Pos, err))
			continue
		}
		r, err := compileRule(cr.When, config.SeverityFigures)
		if err != nil {
			problems = append(problems, fmt.Errorf("analyze: compile severity: %s: %w", cr.Pos, err))
			continue
		}
		reason := "严重程度：" + tier.Roman() + "级（" + tier.Name() + "）— " + cr.Name + "［" + r.source + "］；"
		s.rules = append(s.rules, severityRule{tier: tier, name: cr.Name, rule: r, reason: reason})
	}
	// The most severe tier is tried first, so a rule's place in the file
	// only orders rules of one tier.
	slices.SortStableFunc(s.rules, func(a, b severityRule) int { return int(a.tier) - int(b.tier) })
	s.fallbackReason = "严重程度：" + s.fallback.Roman() + "级（" + s.fallback.Name() + "）— 未触发升级规则；"
	if err := errors.Join(problems...); err != nil {
		return nil, err
	}
	return s, nil
}

// Words returns the casualty and emergency words and the rules' words.
func (s *Severity) Words() []string {
	set := map[string]bool{}
	for w := range s.casualty {
		set[w] = true
	}
	for w := range s.emergency {
		set[w] = true
	}
	for w := range s.negators {
		set[w] = true
	}
	for _, r := range s.rules {
		for _, w := range r.rule.words() {
			set[w] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// incident is what a text reports: people hurt and kinds of emergency.
type incident struct {
	deaths, injuries, missing int
	kinds                     []string
	// notes say what was read, in Chinese: "3人死亡", "无人员伤亡".
	notes []string
}

// read finds the casualties and emergencies a text reports. A figure is the
// largest number reported for it (the same toll is often repeated).
func (s *Severity) read(d *scanned, roles []*wordRole) incident {
	var inc incident
	for i, tk := range d.tokens {
		role := &roles[i].sev
		figure, isCasualty := role.casualty, role.isCasualty
		kind, isEmergency := role.emergency, role.isEmergency
		if !isCasualty && !isEmergency {
			continue
		}
		if negated(d, roles, i) {
			inc.notes = appendOnce(inc.notes, "否定："+clauseAround(d, tk))
			continue
		}
		if isEmergency {
			inc.kinds = appendOnce(inc.kinds, kind)
		}
		if !isCasualty {
			continue
		}
		n := casualtyCount(d.text(tk.field), tk)
		if n == 0 {
			inc.notes = appendOnce(inc.notes, "未指明人员："+clauseAround(d, tk))
			continue
		}
		switch figure {
		case "deaths":
			inc.deaths = max(inc.deaths, n)
		case "injuries":
			inc.injuries = max(inc.injuries, n)
		case "missing":
			inc.missing = max(inc.missing, n)
		}
		inc.notes = appendOnce(inc.notes, tk.word+" "+strconv.Itoa(n)+"人")
	}
	return inc
}

// clauseAround returns up to six characters before a token and the token.
func clauseAround(d *scanned, tk token) string {
	text := d.text(tk.field)
	start := tk.start
	for n := 0; n < 6 && start > 0; n++ {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if isHardBoundary(r) {
			break
		}
		start -= size
	}
	return text[start:tk.end]
}

var (
	countBefore = regexp.MustCompile(`([0-9]+|[零〇一二两三四五六七八九十百千万]+)(?:余|多)?(?:(?:名|人|位|个|例|具)\p{Han}{0,4})?$`)
	countAfter  = regexp.MustCompile(`^(?:者|人数)?(?:达|为|已达|升至|增至|至)?([0-9]+|[零〇一二两三四五六七八九十百千万]+)(?:余|多)?(?:名|人|位|个|例|具)`)
)

// personBefore matches a word for a person just before a casualty word
// without a number (工人死亡, 一男子受伤 has its number anyway): 鱼虾死亡
// reports no person.
var personBefore = regexp.MustCompile(`[人者工民童孩生员男女客老妇师警兵婴儿士手]\p{Han}{0,2}$`)

// casualtyCount reads the number of people next to a casualty word: before
// it ("3名工人死亡", "致3死2伤") or after it ("死亡3人"). Without a number
// the word reports one person if a person is named just before it, else
// none.
func casualtyCount(text string, tk token) int {
	before := text[max(0, tk.start-30):tk.start]
	if m := countBefore.FindStringSubmatch(before); m != nil {
		if n, ok := parseCount(m[1]); ok {
			return n
		}
	}
	after := text[tk.end:min(len(text), tk.end+30)]
	if m := countAfter.FindStringSubmatch(after); m != nil {
		if n, ok := parseCount(m[1]); ok {
			return n
		}
	}
	if personBefore.MatchString(text[max(0, tk.start-9):tk.start]) {
		return 1
	}
	return 0
}

var chineseDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
var chineseUnits = map[rune]int{'十': 10, '百': 100, '千': 1000, '万': 10000}

// parseCount reads ASCII digits or a Chinese numeral (三, 十二, 二十三,
// 一百零五).
func parseCount(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	if s[0] >= '0' && s[0] <= '9' {
		n := 0
		for i := 0; i < len(s) && n < 1e7; i++ {
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	total, section, digit := 0, 0, 0
	for _, r := range s {
		if d, ok := chineseDigits[r]; ok {
			digit = d
			continue
		}
		unit := chineseUnits[r]
		if unit == 10000 {
			total += (section + digit) * unit
			section, digit = 0, 0
			continue
		}
		if digit == 0 {
			digit = 1 // 十二 = 12
		}
		section += digit * unit
		digit = 0
	}
	return total + section + digit, true
}

// spread is how far an item's story has reached.
type spread struct {
	articles, sources int
}

// assess gives the tier and its reason. Items without topics get no tier
// unless a rule gives one.
func (s *Severity) assess(inc incident, sent sentiment, topics []model.TopicMatch, sp spread, weight float64) (model.Severity, string) {
	var f facts
	f.numbers = [figureCount]float64{
		figDeaths: float64(inc.deaths), figInjuries: float64(inc.injuries), figMissing: float64(inc.missing),
		figCasualties:  float64(inc.deaths + inc.injuries + inc.missing),
		figEmergencies: float64(len(inc.kinds)),
		figNegativity:  sent.score,
		figSources:     float64(sp.sources), figArticles: float64(sp.articles),
		figWeight: weight, figTopics: float64(len(topics)),
	}
	f.names[figEmergency] = inc.kinds
	var ids [4]string
	f.names[figTopic] = ids[:0]
	for _, t := range topics {
		f.names[figTopic] = append(f.names[figTopic], t.ID)
	}
	for _, r := range s.rules {
		if r.rule.eval(&f) {
			return r.tier, s.basis(r.reason, inc, sp, weight)
		}
	}
	if len(topics) == 0 {
		return model.SeverityNone, ""
	}
	return s.fallback, s.basis(s.fallbackReason, inc, sp, weight)
}

// basis appends to the start of a reason the figures the assessment rests
// on.
func (s *Severity) basis(reason string, inc incident, sp spread, weight float64) string {
	var buf [384]byte // the reason of most texts: no buffer to collect
	b := buf[:0]
	b = append(b, reason...)
	b = append(b, "依据："...)
	if inc.deaths > 0 {
		b = append(strconv.AppendInt(append(b, "死亡"...), int64(inc.deaths), 10), "人，"...)
	}
	if inc.injuries > 0 {
		b = append(strconv.AppendInt(append(b, "受伤"...), int64(inc.injuries), 10), "人，"...)
	}
	if inc.missing > 0 {
		b = append(strconv.AppendInt(append(b, "失踪或被困"...), int64(inc.missing), 10), "人，"...)
	}
	if len(inc.kinds) > 0 {
		b = append(appendJoined(append(b, "突发事件："...), inc.kinds, "、"), "，"...)
	}
	b = strconv.AppendInt(append(b, "传播："...), int64(max(sp.articles, 1)), 10)
	b = strconv.AppendInt(append(b, "篇、"...), int64(max(sp.sources, 1)), 10)
	b = append(b, "个来源"...)
	if weight != 1 {
		b = strconv.AppendFloat(append(b, "，来源权重"...), weight, 'f', 1, 64)
	}
	return string(b)
}
