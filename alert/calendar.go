package alert

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// Calendar is a compiled work calendar: it says when routine messages about
// ordinary cases may go out. It is immutable and safe for concurrent use. A
// nil *Calendar holds nothing back.
type Calendar struct {
	loc      *time.Location
	quiet    bool
	from, to int // quiet hours, minutes after midnight
	weekend  [7]bool
	holidays map[config.Date]string
	workdays map[config.Date]bool
	routine  map[string]bool
	years    map[int]bool
}

// searchDays bounds the search for the next working time: no calendar has
// a year without a working day.
const searchDays = 400

// CompileCalendar checks a calendar and compiles it.
func CompileCalendar(c config.Calendar) (*Calendar, error) {
	var errs []error
	loc, err := c.LoadLocation()
	if err != nil {
		errs = append(errs, err)
	}
	cal := &Calendar{loc: loc, holidays: map[config.Date]string{}, workdays: map[config.Date]bool{},
		routine: map[string]bool{}, years: map[int]bool{}}
	if q := c.QuietHours; q != nil && q.From != q.To {
		cal.quiet, cal.from, cal.to = true, int(q.From), int(q.To)
	}
	for _, day := range c.Weekend {
		wd, ok := config.ParseWeekday(day)
		if !ok {
			errs = append(errs, fmt.Errorf("weekend: unknown day %q", day))
			continue
		}
		cal.weekend[wd] = true
	}
	for _, kind := range c.Routine {
		cal.routine[kind] = true
	}
	for _, h := range c.Holidays {
		if h.To.Before(h.From) {
			errs = append(errs, fmt.Errorf("%s: holiday %s ends before it starts", h.Pos, h.Name))
			continue
		}
		for d := h.From; !h.To.Before(d); d = nextDate(d) {
			cal.holidays[d] = h.Name
			cal.years[d.Year] = true
		}
		for _, w := range h.Workdays {
			cal.workdays[w] = true
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("alert: compile calendar %s: %w", c.File, err)
	}
	return cal, nil
}

func nextDate(d config.Date) config.Date {
	return config.DateOf(time.Date(d.Year, d.Month, d.Day+1, 12, 0, 0, 0, time.UTC))
}

// Location is the calendar's zone (nil calendar: Asia/Shanghai as UTC+8).
func (c *Calendar) Location() *time.Location {
	if c == nil || c.loc == nil {
		return time.FixedZone("CST", 8*3600)
	}
	return c.loc
}

// DayOff reports whether t falls on a weekend day or a holiday that is not
// a make-up working day.
func (c *Calendar) DayOff(t time.Time) bool {
	if c == nil {
		return false
	}
	local := t.In(c.loc)
	d := config.DateOf(local)
	switch {
	case c.workdays[d]:
		return false
	case c.holidays[d] != "":
		return true
	}
	return c.weekend[local.Weekday()]
}

// Working reports whether t is working time: a working day outside the
// quiet hours.
func (c *Calendar) Working(t time.Time) bool {
	if c == nil {
		return true
	}
	if c.DayOff(t) {
		return false
	}
	local := t.In(c.loc)
	return !c.inQuiet(local.Hour()*60 + local.Minute())
}

func (c *Calendar) inQuiet(minute int) bool {
	switch {
	case !c.quiet:
		return false
	case c.from < c.to:
		return minute >= c.from && minute < c.to
	}
	return minute >= c.from || minute < c.to
}

// NextWorking returns t if it is working time, else the start of the next
// working time.
func (c *Calendar) NextWorking(t time.Time) time.Time {
	if c.Working(t) {
		return t
	}
	local := t.In(c.loc)
	y, m, d := local.Date()
	for i := range searchDays {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, c.loc)
		if c.DayOff(day.Add(12 * time.Hour)) {
			continue
		}
		for _, start := range c.windowStarts() {
			at := time.Date(y, m, d+i, start/60, start%60, 0, 0, c.loc)
			if !at.Before(local) && c.Working(at) {
				return at.UTC()
			}
		}
	}
	// Unreachable with a sane calendar; never hold a message forever.
	return t
}

// windowStarts are the times of day at which working time may begin.
func (c *Calendar) windowStarts() []int {
	if !c.quiet {
		return []int{0}
	}
	if c.from < c.to {
		return []int{0, c.to}
	}
	return []int{c.to}
}

// Holds reports whether a message of this kind about a case of this
// severity waits for working time. Nothing about a Ⅰ/Ⅱ case waits.
func (c *Calendar) Holds(kind string, sev model.Severity) bool {
	return c != nil && c.routine[kind] && !sev.AtLeast(model.SeverityII)
}

// Release returns when a message of this kind, due at t, may go out.
func (c *Calendar) Release(kind string, sev model.Severity, t time.Time) time.Time {
	if !c.Holds(kind, sev) {
		return t
	}
	return c.NextWorking(t)
}

// HasYear reports whether the calendar lists holidays in year y: a missing
// year means its holidays would be worked through.
func (c *Calendar) HasYear(y int) bool { return c == nil || c.years[y] }

// Years returns the years the calendar lists holidays for.
func (c *Calendar) Years() []int {
	var ys []int
	if c != nil {
		for y := range c.years {
			ys = append(ys, y)
		}
	}
	slices.Sort(ys)
	return ys
}
