package config

// Department is one entry of the departments file.
type Department struct {
	Code      string   `yaml:"code"`
	Name      string   `yaml:"name"`
	Receivers []string `yaml:"receivers"`
	// Token lets the department use the JSON API (Authorization: Bearer
	// <token>); it sees its own cases, the coordinating office sees all.
	// Empty: no API access.
	Token Secret `yaml:"token"`
	Pos   Pos    `yaml:"-"`
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
	// TopicDepartments brings in the topic's own departments from the
	// taxonomy: "co_respond" adds them as co-responders; "lead" makes the
	// topic's first department lead, with this route's department and
	// co-responders responding with it. Empty: they are not involved.
	// Inherited together with the department.
	TopicDepartments string `yaml:"topic_departments"`
	// Continue goes on to the next sibling after this route matched.
	Continue bool `yaml:"continue"`
	// GroupBy names the labels whose values split a department's cases
	// into groups: the cases of one group may be merged into one message.
	// Empty: one group per department.
	GroupBy []string `yaml:"group_by"`
	// GroupWait holds the first message of a new case so that a burst of
	// cases of one group goes out together (Ⅰ/Ⅱ cases are never held).
	GroupWait *Duration `yaml:"group_wait"`
	// GroupInterval is the shortest time between two messages about one
	// case (a grown story waits for it, unless its severity rose to Ⅰ/Ⅱ).
	GroupInterval *Duration `yaml:"group_interval"`
	// RepeatInterval announces a case nobody has signed for again.
	RepeatInterval *Duration `yaml:"repeat_interval"`
	Routes         []Route   `yaml:"routes"`
	Pos            Pos       `yaml:"-"`
}

// Values of Route.TopicDepartments.
const (
	TopicDepartmentsLead      = "lead"
	TopicDepartmentsCoRespond = "co_respond"
)
