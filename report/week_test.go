package report

import (
	"testing"
	"time"
)

func TestParseWeek(t *testing.T) {
	loc := Shanghai()
	tests := []struct {
		in        string
		wantStart string // local Monday
		wantErr   bool
	}{
		{"2026-W48", "2026-11-23", false},
		{"2026W48", "2026-11-23", false},
		{" 2026-w01 ", "2025-12-29", false}, // week 1 holds 4 January: it starts in December
		{"2026-W53", "2026-12-28", false},   // 2026 starts on a Thursday: 53 weeks
		{"2027-W01", "2027-01-04", false},
		{"2021-W01", "2021-01-04", false}, // 1-3 January 2021 are in 2020-W53
		{"2020-W53", "2020-12-28", false},
		{"2025-W53", "", true}, // 2025 has 52 weeks
		{"2026-W00", "", true},
		{"2026-W54", "", true},
		{"2026-48", "", true},
		{"26-W48", "", true},
		{"2026-W4", "", true},
		{"", "", true},
		{"W48", "", true},
	}
	for _, tc := range tests {
		w, err := ParseWeek(tc.in, loc)
		if tc.wantErr {
			if err == nil {
				t.Errorf("ParseWeek(%q) = %v, want an error", tc.in, w)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseWeek(%q): %v", tc.in, err)
			continue
		}
		if got := w.Start().Format("2006-01-02"); got != tc.wantStart {
			t.Errorf("ParseWeek(%q).Start() = %s, want %s", tc.in, got, tc.wantStart)
		}
		if w.Start().Hour() != 0 || w.Start().Weekday() != time.Monday || w.End().Sub(w.Start()) != 7*24*time.Hour {
			t.Errorf("week %s = [%s, %s), want Monday 00:00 to Monday 00:00", w, w.Start(), w.End())
		}
		if again, err := ParseWeek(w.String(), loc); err != nil || again != w {
			t.Errorf("ParseWeek(%q.String()=%q) = %v, %v; want the same week", tc.in, w.String(), again, err)
		}
	}
}

func TestWeekOfUsesLocalTime(t *testing.T) {
	loc := Shanghai()
	tests := []struct {
		at   time.Time
		want string
	}{
		// Sunday 23:59 Beijing is still week 48; Monday 00:00 is week 49
		// although it is Sunday 16:00 in UTC.
		{time.Date(2026, 11, 29, 23, 59, 59, 0, loc), "2026-W48"},
		{time.Date(2026, 11, 30, 0, 0, 0, 0, loc), "2026-W49"},
		{time.Date(2026, 11, 29, 16, 0, 0, 0, time.UTC), "2026-W49"},
		{time.Date(2026, 11, 29, 15, 59, 59, 0, time.UTC), "2026-W48"},
		{time.Date(2027, 1, 1, 12, 0, 0, 0, loc), "2026-W53"},
	}
	for _, tc := range tests {
		if got := WeekOf(tc.at, loc).String(); got != tc.want {
			t.Errorf("WeekOf(%s) = %s, want %s", tc.at, got, tc.want)
		}
	}
	w, _ := ParseWeek("2026-W01", loc)
	if got := w.Prev().String(); got != "2025-W52" {
		t.Errorf("2026-W01.Prev() = %s, want 2025-W52", got)
	}
	w53, _ := ParseWeek("2026-W53", loc)
	if got := w53.Next().String(); got != "2027-W01" {
		t.Errorf("2026-W53.Next() = %s, want 2027-W01", got)
	}
	days := w.Days()
	if len(days) != 8 || !days[7].Equal(w.End()) {
		t.Errorf("Days() = %v, want the 7 day starts and the end", days)
	}
}

// FuzzParseWeek: the week comes from the command line. Any week that
// parses must print back to itself and span seven days from a Monday.
func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{"2026-W48", "2026W01", "2020-W53", "0000-W01", "9999-W52", "2026-W5x", "-W"} {
		f.Add(s)
	}
	loc := Shanghai()
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWeek(s, loc)
		if err != nil {
			return
		}
		if w.Start().Weekday() != time.Monday || !w.End().Equal(w.Start().AddDate(0, 0, 7)) {
			t.Fatalf("ParseWeek(%q) = %v: not a Monday-to-Monday week", s, w)
		}
		if again, err := ParseWeek(w.String(), loc); err != nil || again != w {
			t.Fatalf("ParseWeek(%q) = %v does not round-trip: %v, %v", s, w, again, err)
		}
	})
}
