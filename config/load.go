package config

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/yuqing/yuqing/configs"
)

// defaultJitter spreads polls by ±10% so sources do not poll in step.
const defaultJitter = 0.1

// Names of the default files in package configs.
const (
	defaultTaxonomy    = "taxonomy.yaml"
	defaultDictionary  = "dictionary.txt"
	defaultPlaces      = "places.yaml"
	defaultDepartments = "departments.yaml"
	defaultRoutes      = "routes.yaml"
)

// Load reads the main configuration file at path and every file it names,
// applies defaults and validates the whole. The error, if any, is Problems:
// every problem found, each with file and line.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	return Parse(data, path)
}

// Parse is Load for a main file already in memory; file names it in errors
// and its directory is where relative paths are resolved.
func Parse(data []byte, file string) (*Config, error) {
	l := &loader{dir: filepath.Dir(file)}
	c := &Config{Path: file}
	d, ps := decodeStrict(data, file, c)
	l.problems = append(l.problems, ps...)
	l.main = d
	c.applyDefaults()
	if !d.has("ingest", "jitter") {
		// Zero is a valid choice (no jitter), so the default applies only
		// when the key is absent.
		c.Ingest.Jitter = defaultJitter
	}
	l.loadReferenced(c)
	l.validate(c)
	l.problems.sort()
	return c, l.problems.Err()
}

// Default returns the configuration made of the defaults shipped in the
// binary, as if the main file were empty.
func Default() (*Config, error) {
	return Parse(nil, "")
}

// Validate checks a configuration built in code (tests, the demo) the same
// way Load checks a file; problems have no positions.
func (c *Config) Validate() error {
	l := &loader{}
	l.validate(c)
	return l.problems.Err()
}

type loader struct {
	dir      string
	main     *doc
	problems Problems
	// docs of the referenced files, to place validation problems.
	sources, departments, routes *doc
	// routesUnread is set when the routes file could not be read, so the
	// tree is not also reported as empty.
	routesUnread bool
}

func (c *Config) applyDefaults() {
	if c.DataDir == "" {
		c.DataDir = "data"
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
}

// readRef reads a referenced file, or the built-in default when name is
// empty. It returns the contents and the name to use in messages.
func (l *loader) readRef(name, fallback string, key ...any) ([]byte, string, bool) {
	if name == "" {
		data, err := configs.Files.ReadFile(fallback)
		if err != nil {
			panic("config: built-in file missing: " + fallback)
		}
		return data, "<built-in " + fallback + ">", true
	}
	path := name
	if !filepath.IsAbs(path) && l.dir != "" {
		path = filepath.Join(l.dir, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		l.main.problem(&l.problems, fmt.Sprintf("cannot read %s: %v", path, err), key...)
		return nil, path, false
	}
	return data, path, true
}

func (l *loader) loadReferenced(c *Config) {
	l.loadSources(c)
	if data, file, ok := l.readRef(c.Analyze.TaxonomyFile, defaultTaxonomy, "analyze", "taxonomy_file"); ok {
		t, err := ParseTaxonomy(data, file)
		l.add(err)
		c.Taxonomy = t
	}
	if data, file, ok := l.readRef(c.Analyze.PlacesFile, defaultPlaces, "analyze", "places_file"); ok {
		p, err := ParsePlaces(data, file)
		l.add(err)
		c.Places = p
	}
	if data, _, ok := l.readRef(c.Analyze.DictionaryFile, defaultDictionary, "analyze", "dictionary_file"); ok {
		c.Dictionary = data
	}
	l.loadAnalysisRules(c)
	l.loadAlerting(c)
	l.loadAlertingRules(c)
}

// loadSources reads the sources file. Sources are the one part without a
// useful built-in default: nothing is polled until a sources file is named.
func (l *loader) loadSources(c *Config) {
	if c.Ingest.SourcesFile == "" {
		return
	}
	data, file, ok := l.readRef(c.Ingest.SourcesFile, "", "ingest", "sources_file")
	if !ok {
		return
	}
	var f struct {
		Sources []Source `yaml:"sources"`
	}
	l.sources = l.decode(data, file, &f)
	c.Sources = f.Sources
	for i := range c.Sources {
		c.Sources[i].Pos = l.sources.pos("sources", i)
	}
}

func (l *loader) loadAlerting(c *Config) {
	if data, file, ok := l.readRef(c.Alert.DepartmentsFile, defaultDepartments, "alert", "departments_file"); ok {
		var f struct {
			Departments []Department `yaml:"departments"`
			Receivers   []Receiver   `yaml:"receivers"`
		}
		l.departments = l.decode(data, file, &f)
		c.Departments, c.Receivers = f.Departments, f.Receivers
		for i := range c.Departments {
			c.Departments[i].Pos = l.departments.pos("departments", i)
		}
		for i := range c.Receivers {
			c.Receivers[i].Pos = l.departments.pos("receivers", i)
		}
	}
	data, file, ok := l.readRef(c.Alert.RoutesFile, defaultRoutes, "alert", "routes_file")
	l.routesUnread = !ok
	if ok {
		var f struct {
			Route Route `yaml:"route"`
		}
		l.routes = l.decode(data, file, &f)
		c.Route = f.Route
		setRoutePos(&c.Route, l.routes, []any{"route"})
	}
}

func setRoutePos(r *Route, d *doc, path []any) {
	r.Pos = d.pos(path...)
	for i := range r.Routes {
		setRoutePos(&r.Routes[i], d, append(append([]any{}, path...), "routes", i))
	}
}

func (l *loader) decode(data []byte, file string, out any) *doc {
	d, ps := decodeStrict(data, file, out)
	l.problems = append(l.problems, ps...)
	return d
}

func (l *loader) add(err error) {
	if err == nil {
		return
	}
	if ps, ok := err.(Problems); ok {
		l.problems = append(l.problems, ps...)
		return
	}
	l.problems = append(l.problems, Problem{Msg: err.Error()})
}
