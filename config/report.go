package config

// Report configures the weekly report: schedule, recipients, output.
type Report struct{}

// validateReport checks the report section.
func (l *loader) validateReport(c *Config) {}
