package config

import "fmt"

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

func (l *loader) validateReceiver(r Receiver, i int) {
	d := l.departments
	kinds := 0
	if r.Webhook != nil {
		kinds++
		if !validHTTPURL(r.Webhook.URL.Reveal()) {
			d.problem(&l.problems, fmt.Sprintf("receiver %s: webhook url must be an http(s) URL", r.Name), "receivers", i, "webhook", "url")
		}
		if r.Webhook.Secret != "" && r.Webhook.SecretFile != "" {
			d.problem(&l.problems, fmt.Sprintf("receiver %s: set secret or secret_file, not both", r.Name), "receivers", i, "webhook")
		}
	}
	if r.Log != nil {
		kinds++
	}
	if kinds != 1 {
		d.problem(&l.problems, fmt.Sprintf("receiver %s must have exactly one kind (webhook or log), has %d", r.Name, kinds), "receivers", i)
	}
}
