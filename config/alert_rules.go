package config

// loadAlertingRules reads the alerting side's further files (deadlines,
// work calendar, silences …) named in the alert section.
func (l *loader) loadAlertingRules(c *Config) {}

// validateAlertingRules checks them; depts holds the defined department
// codes.
func (l *loader) validateAlertingRules(c *Config, depts map[string]bool) {}
