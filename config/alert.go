package config

// Department is one entry of the departments file.
type Department struct {
	Code      string   `yaml:"code"`
	Name      string   `yaml:"name"`
	Receivers []string `yaml:"receivers"`
	Pos       Pos      `yaml:"-"`
}

// Route is a node of the routing tree. The root is the default route: its
// department receives what no child route claims.
type Route struct {
	// Matchers are label matchers: `topic = real_estate`, `region =~ "通城|崇阳"`,
	// `severity != IV`. Labels: topic, region, severity, source, story.
	Matchers []string `yaml:"matchers"`
	// Department is the lead responder (谁主管谁负责).
	Department string `yaml:"department"`
	// CoResponders are departments that also receive the case.
	CoResponders []string `yaml:"co_responders"`
	// Continue goes on to the next sibling after this route matched.
	Continue bool    `yaml:"continue"`
	Routes   []Route `yaml:"routes"`
	Pos      Pos     `yaml:"-"`
}
