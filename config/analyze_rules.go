package config

import (
	"fmt"
	"time"
)

// Names of the analyzer's default rule files in package configs.
const (
	defaultNegativity = "negativity.yaml"
	defaultSeverity   = "severity.yaml"
)

// Defaults of the analyze section.
const (
	DefaultStorySimilarity = 0.5
	DefaultStoryWindow     = 7 * 24 * time.Hour
	DefaultSurgeInterval   = 5 * time.Minute
	DefaultSurgeBaseline   = 14 * 24 * time.Hour
	DefaultSurgeK          = 3
	DefaultSurgeMinHour    = 5
	DefaultSurgeMinDay     = 20
)

// loadAnalysisRules reads the analyzer's further rule files (negativity
// lexicon, severity rules) named in the analyze section, and applies the
// section's defaults.
func (l *loader) loadAnalysisRules(c *Config) {
	a := &c.Analyze
	if data, file, ok := l.readRef(a.NegativityFile, defaultNegativity, "analyze", "negativity_file"); ok {
		n, err := ParseNegativity(data, file)
		l.add(err)
		a.Negativity = n
	}
	if data, file, ok := l.readRef(a.SeverityFile, defaultSeverity, "analyze", "severity_file"); ok {
		s, err := ParseSeverity(data, file)
		l.add(err)
		a.Severity = s
	}
	a.applyDefaults()
}

// ApplyDefaults fills the zero settings of the section with their defaults.
func (a *Analyze) ApplyDefaults() { a.applyDefaults() }

func (a *Analyze) applyDefaults() {
	if a.Segmentation == "" {
		a.Segmentation = "fast"
	}
	if a.Stories.Similarity == 0 {
		a.Stories.Similarity = DefaultStorySimilarity
	}
	if a.Stories.Window == 0 {
		a.Stories.Window = Duration(DefaultStoryWindow)
	}
	s := &a.Surges
	if s.Interval == 0 {
		s.Interval = Duration(DefaultSurgeInterval)
	}
	if s.Baseline == 0 {
		s.Baseline = Duration(DefaultSurgeBaseline)
	}
	if s.Method == "" {
		s.Method = "mad"
	}
	if s.K == 0 {
		s.K = DefaultSurgeK
	}
	if s.MinHour == 0 {
		s.MinHour = DefaultSurgeMinHour
	}
	if s.MinDay == 0 {
		s.MinDay = DefaultSurgeMinDay
	}
}

// validateAnalysisRules checks the analyze section's settings.
func (l *loader) validateAnalysisRules(c *Config) {
	a := c.Analyze
	a.applyDefaults() // a configuration built in code may leave them zero
	m := l.main
	if a.Segmentation != "fast" && a.Segmentation != "full" {
		m.problem(&l.problems, fmt.Sprintf("analyze.segmentation %q: want fast or full", a.Segmentation), "analyze", "segmentation")
	}
	if !(a.Stories.Similarity > 0 && a.Stories.Similarity <= 1) {
		m.problem(&l.problems, "analyze.stories.similarity must be in (0, 1]", "analyze", "stories", "similarity")
	}
	s := a.Surges
	if s.Method != "mad" && s.Method != "sigma" {
		m.problem(&l.problems, fmt.Sprintf("analyze.surges.method %q: want mad or sigma", s.Method), "analyze", "surges", "method")
	}
	if !(s.K > 0) {
		m.problem(&l.problems, "analyze.surges.k must be positive", "analyze", "surges", "k")
	}
	if s.MinHour < 1 || s.MinDay < 1 {
		m.problem(&l.problems, "analyze.surges.min_hour and min_day must be 1 or more", "analyze", "surges")
	}
	if s.Baseline.D() < 2*24*time.Hour {
		m.problem(&l.problems, "analyze.surges.baseline must be 2d or more", "analyze", "surges", "baseline")
	}
	if s.Interval.D() < time.Second {
		m.problem(&l.problems, "analyze.surges.interval must be 1s or more", "analyze", "surges", "interval")
	}
}
