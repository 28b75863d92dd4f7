package config

// Taxonomy is the topic file: the hot-topic areas of the work plan.
type Taxonomy struct {
	Version int     `yaml:"version"`
	Topics  []Topic `yaml:"topics"`
	File    string  `yaml:"-"`
}

// Topic is one hot-topic area.
type Topic struct {
	// ID is stable ASCII (used in subjects, routes and reports).
	ID   string `yaml:"id"`
	Name string `yaml:"name"`
	// Departments answer for the area when no route says otherwise.
	Departments []string `yaml:"departments"`
	// Terms are words and phrases with their weight.
	Terms map[string]float64 `yaml:"terms"`
	// Threshold is the score an item needs to be tagged (default 1).
	Threshold float64 `yaml:"threshold"`
	Pos       Pos     `yaml:"-"`
}
