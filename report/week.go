package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Week is an ISO 8601 week in a time zone: Monday 00:00 to the next
// Monday 00:00 there.
type Week struct {
	Year int
	Num  int
	Loc  *time.Location
}

// Shanghai returns the Asia/Shanghai zone, or a fixed UTC+8 zone of the
// same offset where the system has no zone database (China has kept UTC+8
// without daylight saving since 1991).
func Shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// ParseWeek reads an ISO week such as "2026-W48" (also "2026W48").
// A nil loc means Shanghai().
func ParseWeek(s string, loc *time.Location) (Week, error) {
	if loc == nil {
		loc = Shanghai()
	}
	year, num, ok := strings.Cut(strings.ToUpper(strings.TrimSpace(s)), "W")
	year = strings.TrimSuffix(year, "-")
	y, errY := strconv.Atoi(year)
	n, errN := strconv.Atoi(num)
	if !ok || errY != nil || errN != nil || len(year) != 4 || len(num) != 2 {
		return Week{}, fmt.Errorf("report: parse week %q: want YYYY-Www, e.g. 2026-W48", s)
	}
	w := Week{Year: y, Num: n, Loc: loc}
	if n < 1 || n > 53 {
		return Week{}, fmt.Errorf("report: parse week %q: week %d out of range", s, n)
	}
	if gy, gn := w.Start().ISOWeek(); gy != y || gn != n {
		return Week{}, fmt.Errorf("report: parse week %q: %d has no week %d", s, y, n)
	}
	return w, nil
}

// WeekOf returns the ISO week that contains t in loc (nil: Shanghai()).
func WeekOf(t time.Time, loc *time.Location) Week {
	if loc == nil {
		loc = Shanghai()
	}
	y, n := t.In(loc).ISOWeek()
	return Week{Year: y, Num: n, Loc: loc}
}

// String returns the ISO form, e.g. "2026-W48".
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// Start is Monday 00:00 of the week.
func (w Week) Start() time.Time {
	// 4 January is always in week 1.
	jan4 := time.Date(w.Year, time.January, 4, 0, 0, 0, 0, w.Loc)
	offset := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -offset+7*(w.Num-1))
}

// End is the Monday 00:00 after the week.
func (w Week) End() time.Time { return w.Start().AddDate(0, 0, 7) }

// Prev is the week before.
func (w Week) Prev() Week { return WeekOf(w.Start().AddDate(0, 0, -1), w.Loc) }

// Next is the week after.
func (w Week) Next() Week { return WeekOf(w.End(), w.Loc) }

// Days returns the start of each of the seven days and the week's end.
func (w Week) Days() []time.Time {
	start := w.Start()
	out := make([]time.Time, 8)
	for i := range out {
		out[i] = start.AddDate(0, 0, i)
	}
	return out
}
