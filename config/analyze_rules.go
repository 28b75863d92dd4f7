package config

// loadAnalysisRules reads the analyzer's further rule files (negativity
// lexicon, severity rules …) named in the analyze section.
func (l *loader) loadAnalysisRules(c *Config) {}

// validateAnalysisRules checks them against the rest of the configuration.
func (l *loader) validateAnalysisRules(c *Config) {}
