package config

// Department is one entry of the departments file.
type Department struct {
	Code      string   `yaml:"code"`
	Name      string   `yaml:"name"`
	Receivers []string `yaml:"receivers"`
	Pos       Pos      `yaml:"-"`
}

// Receiver is a named destination for alerts. Exactly one kind is set.
type Receiver struct {
	Name    string       `yaml:"name"`
	Webhook *WebhookSpec `yaml:"webhook"`
	Log     *LogSpec     `yaml:"log"`
	Pos     Pos          `yaml:"-"`
}

// Kind returns the name of the receiver kind that is set.
func (r Receiver) Kind() string {
	switch {
	case r.Webhook != nil:
		return "webhook"
	case r.Log != nil:
		return "log"
	}
	return ""
}

// WebhookSpec posts alerts as JSON, signed with HMAC-SHA256.
type WebhookSpec struct {
	URL Secret `yaml:"url"`
	// Secret signs the body: header X-Yuqing-Signature: sha256=<hex>.
	Secret     Secret            `yaml:"secret"`
	SecretFile string            `yaml:"secret_file"`
	Timeout    Duration          `yaml:"timeout"`
	Headers    map[string]string `yaml:"headers"`
}

// LogSpec writes alerts to the process log.
type LogSpec struct{}

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
