package ingest

import (
	"regexp"
	"strings"
	"sync"
	"time"

	// Embedded zone data: the binary must read Beijing time correctly on
	// minimal hosts and containers that have no /usr/share/zoneinfo.
	_ "time/tzdata"
)

// futureTolerance is how far ahead of the fetch time a date may lie before
// it is taken for a wrong server clock and replaced by the fetch time.
const futureTolerance = 24 * time.Hour

// beijing returns Asia/Shanghai, or a fixed UTC+8 zone if zone data is
// somehow unavailable (China has had no daylight saving since 1991).
var beijing = sync.OnceValue(func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
})

// zonelessLayouts are the date forms of Chinese sites that gofeed does not
// know, all without a zone. Single-digit layout fields also accept two
// digits, so "2006-1-2" covers "2026-11-27".
var zonelessLayouts = []string{
	"2006-1-2 15:04:05",
	"2006-1-2 15:04",
	"2006-1-2T15:04:05",
	"2006-1-2",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006/1/2",
	"2006.1.2 15:04:05",
	"2006.1.2 15:04",
	"2006.1.2",
	"2006年1月2日 15:04:05",
	"2006年1月2日 15:04",
	"2006年1月2日15:04:05",
	"2006年1月2日15:04",
	"2006年1月2日 15时04分05秒",
	"2006年1月2日 15时04分",
	"2006年1月2日15时04分",
	"2006年1月2日",
}

var (
	// timeOfDay finds the clock reading; a zone, if any, follows it.
	timeOfDay = regexp.MustCompile(`\d{1,2}:\d{1,2}(?::\d{1,2})?(?:[.,]\d+)?`)
	// numericOffset is "+0800", "-07:00", "+08" after the clock reading.
	numericOffset = regexp.MustCompile(`[+-]\d`)
	// letters finds words after the clock reading: zone names ("GMT",
	// "CST") but also "PM" and "p.m.".
	letters = regexp.MustCompile(`[A-Za-z]+`)
	// dateOnlyZone is a zone after a date without a clock reading.
	dateOnlyZone = regexp.MustCompile(`(?:\s[+-]\d{2}:?\d{2}|\s(?:GMT|UTC|UT|Z))\s*$`)
	// chinaStandardTime matches "CST" as a zone, which gofeed reads as US
	// Central Time and Chinese servers mean as China Standard Time.
	chinaStandardTime = regexp.MustCompile(`\bCST\b`)
)

// gofeedCSTToBeijing moves a time gofeed read as US Central Standard Time
// (UTC-6) to the same clock reading in Beijing (UTC+8).
const gofeedCSTToBeijing = -14 * time.Hour

// itemTime reads the date of an entry. parsed is gofeed's reading of raw
// (nil if it failed), always in UTC, so whether raw had a zone is read from
// raw itself. A date without a zone is Beijing time. chinese says the feed
// is Chinese, so "CST" means UTC+8.
func itemTime(raw string, parsed *time.Time, chinese bool) (time.Time, bool) {
	raw = normaliseDate(raw)
	if raw == "" {
		return time.Time{}, false
	}
	if parsed != nil && !parsed.IsZero() {
		t := parsed.UTC()
		switch {
		case !hasZone(raw):
			return wallClockIn(t, beijing()), true
		case chinese && chinaStandardTime.MatchString(raw):
			return t.Add(gofeedCSTToBeijing), true
		default:
			return t, true
		}
	}
	for _, layout := range zonelessLayouts {
		if t, err := time.ParseInLocation(layout, raw, beijing()); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// hasZone reports whether a date string names its zone or offset.
func hasZone(raw string) bool {
	loc := timeOfDay.FindStringIndex(raw)
	if loc == nil {
		return dateOnlyZone.MatchString(raw)
	}
	rest := raw[loc[1]:]
	if strings.HasPrefix(strings.TrimSpace(rest), "Z") || strings.HasPrefix(rest, "z") {
		return true
	}
	if numericOffset.MatchString(rest) {
		return true
	}
	for _, word := range letters.FindAllString(rest, -1) {
		switch strings.ToUpper(word) {
		case "AM", "PM", "A", "P", "M":
			continue
		}
		if len(word) <= 5 {
			return true
		}
	}
	return false
}

// wallClockIn keeps the date and clock reading of t and puts it in loc.
func wallClockIn(t time.Time, loc *time.Location) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc).UTC()
}

func normaliseDate(s string) string {
	s = strings.NewReplacer("：", ":", "\u3000", " ", "\u00a0", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

// clampFuture replaces a date implausibly far in the future by now.
func clampFuture(t, now time.Time) time.Time {
	if t.After(now.Add(futureTolerance)) {
		return now
	}
	return t
}
