package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

func (l *loader) validate(c *Config) {
	l.validateMain(c)
	l.validateSources(c)
	depts := l.validateDepartments(c)
	for _, t := range c.Taxonomy.Topics {
		for _, code := range t.Departments {
			if !depts[code] {
				l.problems = append(l.problems, Problem{t.Pos,
					fmt.Sprintf("topic %s names department %q, which is not defined", t.ID, code)})
			}
		}
	}
	if !l.routesUnread {
		l.validateRoute(&c.Route, depts, true)
	}
	l.validateAnalysisRules(c)
	l.validateAlertingRules(c, depts)
	l.validateReport(c)
}

func (l *loader) validateMain(c *Config) {
	m := l.main
	if c.DataDir == "" {
		m.problem(&l.problems, "data_dir must not be empty", "data_dir")
	}
	if !oneOf(c.Log.Level, "debug", "info", "warn", "error") {
		m.problem(&l.problems, fmt.Sprintf("log.level %q: want debug, info, warn or error", c.Log.Level), "log", "level")
	}
	if !oneOf(c.Log.Format, "text", "json") {
		m.problem(&l.problems, fmt.Sprintf("log.format %q: want text or json", c.Log.Format), "log", "format")
	}
	if c.HTTP.Listen != "" && !validHostPort(c.HTTP.Listen) {
		m.problem(&l.problems, fmt.Sprintf("http.listen %q: want host:port, e.g. 127.0.0.1:9464", c.HTTP.Listen), "http", "listen")
	}
	if c.NATS.Listen != "" && !validHostPort(c.NATS.Listen) {
		m.problem(&l.problems, fmt.Sprintf("nats.listen %q: want host:port, e.g. 0.0.0.0:4222", c.NATS.Listen), "nats", "listen")
	}
	for _, u := range splitList(c.NATS.URL) {
		if p, err := url.Parse(u); err != nil || !oneOf(p.Scheme, "nats", "tls", "ws", "wss") || p.Host == "" {
			m.problem(&l.problems, fmt.Sprintf("nats.url %q: want nats://host:port (several separated by commas)", u), "nats", "url")
		}
	}
	if c.NATS.URL != "" && c.NATS.Listen != "" {
		m.problem(&l.problems, "nats.listen applies to the embedded server only; remove it or nats.url", "nats", "listen")
	}
	if c.Store.DSN != "" && c.Store.DSNFile != "" {
		m.problem(&l.problems, "set store.dsn or store.dsn_file, not both", "store")
	}
	if c.Ingest.Jitter < 0 || c.Ingest.Jitter > 0.5 {
		m.problem(&l.problems, fmt.Sprintf("ingest.jitter %v: want a fraction between 0 and 0.5", c.Ingest.Jitter), "ingest", "jitter")
	}
	for _, n := range []struct {
		v    int
		path []any
	}{
		{c.Ingest.Concurrency, []any{"ingest", "concurrency"}},
		{c.Ingest.MaxRedirects, []any{"ingest", "max_redirects"}},
		{c.Analyze.Workers, []any{"analyze", "workers"}},
		{c.Alert.Workers, []any{"alert", "workers"}},
		{c.NATS.Replicas, []any{"nats", "replicas"}},
		{c.NATS.MaxDeliver, []any{"nats", "max_deliver"}},
		{c.Store.MaxOpenConns, []any{"store", "max_open_conns"}},
	} {
		if n.v < 0 {
			m.problem(&l.problems, fmt.Sprintf("%s must not be negative", dotted(n.path)), n.path...)
		}
	}
	if c.Alert.PublicURL != "" && !validHTTPURL(c.Alert.PublicURL) {
		m.problem(&l.problems, fmt.Sprintf("alert.public_url %q: want an http(s) URL", c.Alert.PublicURL), "alert", "public_url")
	}
}

var sourceKinds = []string{"feed"}

func (l *loader) validateSources(c *Config) {
	seen := map[string]bool{}
	d := l.sources
	for i, s := range c.Sources {
		switch {
		case !asciiID.MatchString(s.ID):
			d.problem(&l.problems, fmt.Sprintf("source id %q must be lower-case ASCII (a-z, 0-9, _), starting with a letter", s.ID), "sources", i, "id")
		case seen[s.ID]:
			d.problem(&l.problems, fmt.Sprintf("source id %q is used twice", s.ID), "sources", i, "id")
		}
		seen[s.ID] = true
		if s.Kind != "" && !oneOf(s.Kind, sourceKinds...) {
			d.problem(&l.problems, fmt.Sprintf("source %s: kind %q: want one of %s", s.ID, s.Kind, strings.Join(sourceKinds, ", ")), "sources", i, "kind")
		}
		if !validHTTPURL(s.URL) && !strings.HasPrefix(s.URL, "file://") {
			d.problem(&l.problems, fmt.Sprintf("source %s: url %q: want an http(s) or file:// URL", s.ID, s.URL), "sources", i, "url")
		}
		if s.Interval != 0 && s.Interval.D().Seconds() < 10 {
			d.problem(&l.problems, fmt.Sprintf("source %s: interval %s is too short (minimum 10s)", s.ID, s.Interval), "sources", i, "interval")
		}
		if s.Weight < 0 {
			d.problem(&l.problems, fmt.Sprintf("source %s: weight must not be negative", s.ID), "sources", i, "weight")
		}
	}
}

func (l *loader) validateDepartments(c *Config) map[string]bool {
	d := l.departments
	receivers := map[string]bool{}
	for i, r := range c.Receivers {
		if r.Name == "" {
			d.problem(&l.problems, "receiver without a name", "receivers", i)
		} else if receivers[r.Name] {
			d.problem(&l.problems, fmt.Sprintf("receiver %q is defined twice", r.Name), "receivers", i, "name")
		}
		receivers[r.Name] = true
		l.validateReceiver(r, i)
	}
	depts := map[string]bool{}
	for i, dep := range c.Departments {
		switch {
		case !asciiID.MatchString(dep.Code):
			d.problem(&l.problems, fmt.Sprintf("department code %q must be lower-case ASCII (a-z, 0-9, _), starting with a letter", dep.Code), "departments", i, "code")
		case depts[dep.Code]:
			d.problem(&l.problems, fmt.Sprintf("department code %q is used twice", dep.Code), "departments", i, "code")
		}
		depts[dep.Code] = true
		if dep.Name == "" {
			d.problem(&l.problems, fmt.Sprintf("department %s has no name", dep.Code), "departments", i)
		}
		if len(dep.Receivers) == 0 {
			d.problem(&l.problems, fmt.Sprintf("department %s has no receivers: its alerts would go nowhere", dep.Code), "departments", i)
		}
		for j, name := range dep.Receivers {
			if !receivers[name] {
				d.problem(&l.problems, fmt.Sprintf("department %s names receiver %q, which is not defined", dep.Code, name), "departments", i, "receivers", j)
			}
		}
	}
	return depts
}

// validateRoute checks the department references of the tree; the alert
// package compiles matchers and reports their syntax.
func (l *loader) validateRoute(r *Route, depts map[string]bool, root bool) {
	if root && r.Department == "" {
		l.problems = append(l.problems, Problem{r.Pos, "the root route needs a department: the coordinating office that receives what no other route claims"})
	}
	for _, code := range append([]string{r.Department}, r.CoResponders...) {
		if code != "" && !depts[code] {
			l.problems = append(l.problems, Problem{r.Pos, fmt.Sprintf("route names department %q, which is not defined", code)})
		}
	}
	for i := range r.Routes {
		l.validateRoute(&r.Routes[i], depts, false)
	}
}

func oneOf(v string, options ...string) bool {
	for _, o := range options {
		if v == o {
			return true
		}
	}
	return false
}

func validHostPort(s string) bool {
	_, port, err := net.SplitHostPort(s)
	return err == nil && port != ""
}

func validHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func dotted(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}
