package config

import (
	"fmt"
	"strings"
	"time"
)

// Report formats.
const (
	ReportHTML     = "html"
	ReportMarkdown = "md"
	ReportJSON     = "json"
	ReportPDF      = "pdf"
)

// reportFormats are the formats a report can be rendered in.
var reportFormats = []string{ReportHTML, ReportMarkdown, ReportJSON, ReportPDF}

// Defaults of the report section.
const (
	DefaultReportSchedule = "Mon 08:00"
	DefaultReportTimezone = "Asia/Shanghai"
	defaultTopStories     = 5
	defaultEmergingWords  = 20
	defaultTitleSample    = 20000
	defaultPDFTimeout     = 60 * time.Second
)

// Report configures the weekly report: schedule, recipients, output.
type Report struct {
	// Disabled turns the weekly schedule off; `yuqing report` still works.
	Disabled bool `yaml:"disabled"`
	// Schedule is the weekday and local time at which the report of the
	// previous ISO week is built, e.g. "Mon 08:00" (the default).
	Schedule string `yaml:"schedule"`
	// Timezone of the schedule and of the report's days (default
	// Asia/Shanghai).
	Timezone string `yaml:"timezone"`
	// Area names the city in titles, e.g. 咸宁市 (default: the city of the
	// gazetteer).
	Area string `yaml:"area"`
	// Issuer is the office that issues the report (编发单位), printed under
	// the title.
	Issuer string `yaml:"issuer"`
	// Receivers get the city-wide report (names from the receivers list).
	Receivers []string `yaml:"receivers"`
	// Departments also get a report of their own areas and cases, sent to
	// each department's receivers.
	Departments []string `yaml:"departments"`
	// Formats archived in the store and linked from messages (default
	// html, pdf, md, json; pdf only where Chromium is installed).
	Formats []string `yaml:"formats"`
	// PublicURL is where yuqing's HTTP endpoint is reachable by readers,
	// used for the links in chat messages (default alert.public_url).
	PublicURL string `yaml:"public_url"`
	// Chromium is the browser used for PDF (default: chromium found on PATH).
	Chromium string `yaml:"chromium"`
	// FontFile is a CJK font (.otf, .ttf, .ttc) for the charts (default:
	// Noto Sans CJK found in the usual places).
	FontFile   string   `yaml:"font_file"`
	PDFTimeout Duration `yaml:"pdf_timeout"`
	// TopStories per area, EmergingWords listed, TitleSample titles
	// segmented per week to find emerging words.
	TopStories    int `yaml:"top_stories"`
	EmergingWords int `yaml:"emerging_words"`
	TitleSample   int `yaml:"title_sample"`
}

// WithDefaults returns the section with every unset value defaulted.
func (r Report) WithDefaults() Report {
	if r.Schedule == "" {
		r.Schedule = DefaultReportSchedule
	}
	if r.Timezone == "" {
		r.Timezone = DefaultReportTimezone
	}
	if len(r.Formats) == 0 {
		r.Formats = []string{ReportHTML, ReportPDF, ReportMarkdown, ReportJSON}
	}
	if r.PDFTimeout == 0 {
		r.PDFTimeout = Duration(defaultPDFTimeout)
	}
	if r.TopStories == 0 {
		r.TopStories = defaultTopStories
	}
	if r.EmergingWords == 0 {
		r.EmergingWords = defaultEmergingWords
	}
	if r.TitleSample == 0 {
		r.TitleSample = defaultTitleSample
	}
	return r
}

// WeeklySchedule is a weekday and a time of day.
type WeeklySchedule struct {
	Weekday time.Weekday
	Hour    int
	Minute  int
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseWeeklySchedule reads "Mon 08:00" (weekday names in English, three
// letters or whole, any case).
func ParseWeeklySchedule(s string) (WeeklySchedule, error) {
	fields := strings.Fields(s)
	if len(fields) != 2 {
		return WeeklySchedule{}, fmt.Errorf("schedule %q: want a weekday and a time, e.g. \"Mon 08:00\"", s)
	}
	name := strings.ToLower(fields[0])
	if len(name) > 3 {
		name = name[:3]
	}
	day, ok := weekdayNames[name]
	if !ok || !validWeekdayName(fields[0]) {
		return WeeklySchedule{}, fmt.Errorf("schedule %q: unknown weekday %q (want Mon … Sun)", s, fields[0])
	}
	t, err := time.Parse("15:04", fields[1])
	if err != nil {
		return WeeklySchedule{}, fmt.Errorf("schedule %q: time %q: want HH:MM, e.g. 08:00", s, fields[1])
	}
	return WeeklySchedule{Weekday: day, Hour: t.Hour(), Minute: t.Minute()}, nil
}

// validWeekdayName accepts the abbreviation or the whole English name.
func validWeekdayName(s string) bool {
	lower := strings.ToLower(s)
	if len(lower) == 3 {
		return true
	}
	for i := time.Sunday; i <= time.Saturday; i++ {
		if lower == strings.ToLower(i.String()) {
			return true
		}
	}
	return false
}

// validateReport checks the report section.
func (l *loader) validateReport(c *Config) {
	r, m := c.Report, l.main
	if r.Schedule != "" {
		if _, err := ParseWeeklySchedule(r.Schedule); err != nil {
			m.problem(&l.problems, "report."+err.Error(), "report", "schedule")
		}
	}
	if r.Timezone != "" {
		if _, err := time.LoadLocation(r.Timezone); err != nil {
			m.problem(&l.problems, fmt.Sprintf("report.timezone %q: %v", r.Timezone, err), "report", "timezone")
		}
	}
	for i, f := range r.Formats {
		if !oneOf(f, reportFormats...) {
			m.problem(&l.problems, fmt.Sprintf("report.formats: %q: want one of %s", f, strings.Join(reportFormats, ", ")), "report", "formats", i)
		}
	}
	l.validateReportRefs(c)
	if r.PublicURL != "" && !validHTTPURL(r.PublicURL) {
		m.problem(&l.problems, fmt.Sprintf("report.public_url %q: want an http(s) URL", r.PublicURL), "report", "public_url")
	}
	for _, n := range []struct {
		v   int
		key string
	}{{r.TopStories, "top_stories"}, {r.EmergingWords, "emerging_words"}, {r.TitleSample, "title_sample"}} {
		if n.v < 0 {
			m.problem(&l.problems, fmt.Sprintf("report.%s must not be negative", n.key), "report", n.key)
		}
	}
}

// validateReportRefs checks that the receivers and departments the report
// goes to are defined.
func (l *loader) validateReportRefs(c *Config) {
	receivers := make(map[string]bool, len(c.Receivers))
	for _, r := range c.Receivers {
		receivers[r.Name] = true
	}
	depts := make(map[string]bool, len(c.Departments))
	for _, d := range c.Departments {
		depts[d.Code] = true
	}
	for i, name := range c.Report.Receivers {
		if !receivers[name] {
			l.main.problem(&l.problems, fmt.Sprintf("report.receivers names receiver %q, which is not defined", name), "report", "receivers", i)
		}
	}
	for i, code := range c.Report.Departments {
		if !depts[code] {
			l.main.problem(&l.problems, fmt.Sprintf("report.departments names department %q, which is not defined", code), "report", "departments", i)
		}
	}
}
