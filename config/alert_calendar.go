package config

import (
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the calendar's zone must load on hosts without zone files

	"go.yaml.in/yaml/v3"
)

// Calendar is the work calendar: it says when routine messages about
// ordinary (Ⅲ/Ⅳ) cases may go out. Holidays and make-up working days (调休)
// change every year, so they are data, never code.
type Calendar struct {
	// Timezone of the dates and hours below. Default Asia/Shanghai.
	Timezone string `yaml:"timezone"`
	// QuietHours is when no routine message goes out, even on a working
	// day; it may wrap past midnight (21:00 to 08:00). Nil: none.
	QuietHours *Span `yaml:"quiet_hours"`
	// Weekend lists the days off of an ordinary week. Default saturday and
	// sunday.
	Weekend []string `yaml:"weekend"`
	// Holidays are the statutory holidays with their make-up working days.
	Holidays []Holiday `yaml:"holidays"`
	// Routine lists the message kinds held back until working time:
	// update, repeat, reminder, escalation. New cases always go out at
	// once, and nothing about a Ⅰ/Ⅱ case is ever held back.
	// Default [update, repeat, reminder].
	Routine []string `yaml:"routine"`
	// File is where the calendar was read from.
	File string `yaml:"-"`
}

// Span is a time of day range.
type Span struct {
	From ClockTime `yaml:"from"`
	To   ClockTime `yaml:"to"`
}

// Holiday is one statutory holiday: the days off from From to To
// (inclusive) and the weekend days worked instead (调休上班).
type Holiday struct {
	Name     string `yaml:"name"`
	From     Date   `yaml:"from"`
	To       Date   `yaml:"to"`
	Workdays []Date `yaml:"workdays"`
	Pos      Pos    `yaml:"-"`
}

// Date is a calendar day written 2006-01-02.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("invalid date %q (want YYYY-MM-DD)", s)
	}
	return DateOf(t), nil
}

// DateOf is the day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// Before reports whether d is an earlier day than e.
func (d Date) Before(e Date) bool {
	return d.Year < e.Year || d.Year == e.Year && (d.Month < e.Month || d.Month == e.Month && d.Day < e.Day)
}

func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDate(n.Value)
	if err != nil {
		return valueError(n, err)
	}
	*d = v
	return nil
}

func (d Date) MarshalYAML() (any, error) { return d.String(), nil }

// ClockTime is a time of day written 15:04, as minutes after midnight.
type ClockTime int

// ParseClockTime reads 15:04 (00:00 to 24:00).
func ParseClockTime(s string) (ClockTime, error) {
	var h, m int
	if n, err := fmt.Sscanf(strings.TrimSpace(s), "%d:%d", &h, &m); err != nil || n != 2 ||
		h < 0 || m < 0 || m > 59 || h > 24 || h == 24 && m != 0 {
		return 0, fmt.Errorf("invalid time of day %q (want HH:MM, e.g. 08:30)", s)
	}
	return ClockTime(h*60 + m), nil
}

func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

func (c *ClockTime) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseClockTime(n.Value)
	if err != nil {
		return valueError(n, err)
	}
	*c = v
	return nil
}

func (c ClockTime) MarshalYAML() (any, error) { return c.String(), nil }

// Defaults of the calendar.
const (
	DefaultTimezone = "Asia/Shanghai"
)

// DefaultWeekend is an ordinary week's days off.
func DefaultWeekend() []string { return []string{"saturday", "sunday"} }

// DefaultRoutine is the message kinds the calendar holds back.
func DefaultRoutine() []string { return []string{"update", "repeat", "reminder"} }

// LoadLocation loads the calendar's zone; Asia/Shanghai falls back to a
// fixed UTC+8 (China has no daylight saving time).
func (c Calendar) LoadLocation() (*time.Location, error) {
	name := c.Timezone
	if name == "" {
		name = DefaultTimezone
	}
	loc, err := time.LoadLocation(name)
	if err != nil && name == DefaultTimezone {
		return time.FixedZone("CST", 8*3600), nil
	}
	if err != nil {
		return nil, fmt.Errorf("unknown timezone %q", name)
	}
	return loc, nil
}

var calendarWeekdays = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// ParseWeekday reads a lower-case English day name.
func ParseWeekday(s string) (time.Weekday, bool) {
	d, ok := calendarWeekdays[strings.ToLower(strings.TrimSpace(s))]
	return d, ok
}
