package config

import (
	"strings"
	"testing"
	"time"
)

func TestParseWeeklySchedule(t *testing.T) {
	tests := []struct {
		in      string
		want    WeeklySchedule
		wantErr bool
	}{
		{"Mon 08:00", WeeklySchedule{time.Monday, 8, 0}, false},
		{"monday 8:30", WeeklySchedule{time.Monday, 8, 30}, false},
		{"  FRI   17:45 ", WeeklySchedule{time.Friday, 17, 45}, false},
		{"Sunday 00:00", WeeklySchedule{time.Sunday, 0, 0}, false},
		{"Mond 08:00", WeeklySchedule{}, true},
		{"周一 08:00", WeeklySchedule{}, true},
		{"Mon 24:00", WeeklySchedule{}, true},
		{"Mon", WeeklySchedule{}, true},
		{"Mon 08:00 extra", WeeklySchedule{}, true},
		{"", WeeklySchedule{}, true},
	}
	for _, tc := range tests {
		got, err := ParseWeeklySchedule(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseWeeklySchedule(%q) = %+v, %v; want %+v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestReportDefaults(t *testing.T) {
	r := Report{}.WithDefaults()
	if r.Schedule != "Mon 08:00" || r.Timezone != "Asia/Shanghai" || len(r.Formats) != 4 || r.TopStories != 5 ||
		r.EmergingWords != 20 || r.TitleSample != 20000 || r.PDFTimeout.D() != time.Minute {
		t.Errorf("defaults = %+v", r)
	}
	kept := Report{Schedule: "Fri 17:00", Formats: []string{"pdf"}, TopStories: 3}.WithDefaults()
	if kept.Schedule != "Fri 17:00" || len(kept.Formats) != 1 || kept.TopStories != 3 {
		t.Errorf("set values were replaced: %+v", kept)
	}
}

// TestReportProblems: every mistake of the report section is reported at
// once, each on its line of the main file.
func TestReportProblems(t *testing.T) {
	yaml := `data_dir: /tmp/x
report:
  schedule: "Mond 8:00"
  timezone: Mars/Olympus
  formats: [html, docx]
  receivers: [log, nobody]
  departments: [office, nowhere]
  public_url: ftp://example.org
  top_stories: -1
`
	_, err := Parse([]byte(yaml), "/etc/yuqing/yuqing.yaml")
	if err == nil {
		t.Fatal("Parse accepted a bad report section")
	}
	for _, want := range []string{
		`yuqing.yaml:3: report.schedule "Mond 8:00": unknown weekday "Mond"`,
		`yuqing.yaml:4: report.timezone "Mars/Olympus"`,
		`yuqing.yaml:5: report.formats: "docx": want one of html, md, json, pdf`,
		`yuqing.yaml:6: report.receivers names receiver "nobody", which is not defined`,
		`yuqing.yaml:7: report.departments names department "nowhere", which is not defined`,
		`yuqing.yaml:8: report.public_url "ftp://example.org": want an http(s) URL`,
		`yuqing.yaml:9: report.top_stories must not be negative`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("problems lack %q:\n%v", want, err)
		}
	}
	ok := "data_dir: /tmp/x\nreport:\n  schedule: Fri 17:30\n  receivers: [log]\n  departments: [office]\n"
	if _, err := Parse([]byte(ok), "/etc/yuqing/yuqing.yaml"); err != nil {
		t.Errorf("a good report section: %v", err)
	}
}

// FuzzParseWeeklySchedule: the schedule comes from the configuration file;
// whatever parses must be a valid weekday and time of day.
func FuzzParseWeeklySchedule(f *testing.F) {
	for _, s := range []string{"Mon 08:00", "sunday 23:59", "Fri 7:5", "Mon\t08:00", "x 99:99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWeeklySchedule(s)
		if err != nil {
			return
		}
		if w.Weekday < time.Sunday || w.Weekday > time.Saturday || w.Hour < 0 || w.Hour > 23 || w.Minute < 0 || w.Minute > 59 {
			t.Fatalf("ParseWeeklySchedule(%q) = %+v", s, w)
		}
	})
}
