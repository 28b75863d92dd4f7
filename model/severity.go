package model

import (
	"fmt"
	"strings"
)

// Severity is one of the four statutory tiers of an incident. The zero value
// means "not assessed". Lower numbers are more severe, as in the statutes.
type Severity int

// The statutory tiers: Ⅰ 特别重大 (red) … Ⅳ 一般 (blue).
const (
	SeverityNone Severity = iota
	SeverityI
	SeverityII
	SeverityIII
	SeverityIV
)

var severityNames = [...]struct{ code, roman, name, color string }{
	{"", "", "未评估", ""},
	{"I", "Ⅰ", "特别重大", "红"},
	{"II", "Ⅱ", "重大", "橙"},
	{"III", "Ⅲ", "较大", "黄"},
	{"IV", "Ⅳ", "一般", "蓝"},
}

func (s Severity) valid() bool { return s >= SeverityNone && s <= SeverityIV }

// String returns the ASCII code: "I" … "IV", or "" when not assessed.
func (s Severity) String() string {
	if !s.valid() {
		return fmt.Sprintf("Severity(%d)", int(s))
	}
	return severityNames[s].code
}

// Roman returns the tier as a Roman numeral: "Ⅰ" … "Ⅳ".
func (s Severity) Roman() string {
	if !s.valid() {
		return "?"
	}
	return severityNames[s].roman
}

// Name returns the Chinese name of the tier, e.g. "重大".
func (s Severity) Name() string {
	if !s.valid() {
		return "?"
	}
	return severityNames[s].name
}

// Color returns the warning colour of the tier in Chinese, e.g. "橙".
func (s Severity) Color() string {
	if !s.valid() {
		return ""
	}
	return severityNames[s].color
}

// AtLeast reports whether s is assessed and as severe as other or more.
func (s Severity) AtLeast(other Severity) bool {
	return s != SeverityNone && s <= other
}

// ParseSeverity accepts "I".."IV", "1".."4", "Ⅰ".."Ⅳ" and the Chinese names.
func ParseSeverity(text string) (Severity, error) {
	t := strings.TrimSpace(text)
	for i, n := range severityNames {
		if i == 0 {
			continue
		}
		if strings.EqualFold(t, n.code) || t == n.roman || t == n.name || t == fmt.Sprint(i) {
			return Severity(i), nil
		}
	}
	return SeverityNone, fmt.Errorf("unknown severity %q (want I, II, III or IV)", text)
}

// MarshalText writes the ASCII code.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads any form ParseSeverity accepts; empty means none.
func (s *Severity) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = SeverityNone
		return nil
	}
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}
