package config

import "github.com/yuqing/yuqing/model"

// Config is the whole configuration after loading and defaulting.
type Config struct {
	// DataDir holds the SQLite database and the embedded NATS store.
	DataDir string  `yaml:"data_dir"`
	Log     Log     `yaml:"log"`
	HTTP    HTTP    `yaml:"http"`
	NATS    NATS    `yaml:"nats"`
	Store   Store   `yaml:"store"`
	Ingest  Ingest  `yaml:"ingest"`
	Analyze Analyze `yaml:"analyze"`
	Alert   Alert   `yaml:"alert"`
	Report  Report  `yaml:"report"`

	// Loaded from the files named above.
	Sources     []Source     `yaml:"-"`
	Taxonomy    Taxonomy     `yaml:"-"`
	Places      Gazetteer    `yaml:"-"`
	Dictionary  []byte       `yaml:"-"`
	Departments []Department `yaml:"-"`
	Receivers   []Receiver   `yaml:"-"`
	Route       Route        `yaml:"-"`

	// Path is the main file the configuration was loaded from ("" for
	// built-in defaults).
	Path string `yaml:"-"`
}

// Log configures the process logger.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text or json
}

// HTTP configures the operations endpoint (/metrics, /livez, /readyz).
type HTTP struct {
	// Listen is host:port; empty disables the endpoint.
	Listen string `yaml:"listen"`
}

// NATS configures the bus: an embedded server by default, or an external
// server or cluster when URL is set.
type NATS struct {
	// URL of an external NATS server (nats://host:4222,...). Empty runs an
	// embedded server with JetStream in DataDir/nats.
	URL string `yaml:"url"`
	// CredentialsFile is a .creds file for an external server.
	CredentialsFile string `yaml:"credentials_file"`
	// Listen makes the embedded server accept TCP clients on host:port, so
	// workers on other machines can join. Empty: in-process only.
	Listen string `yaml:"listen"`
	// MaxMemory and MaxStore bound the embedded JetStream.
	MaxMemory ByteSize `yaml:"max_memory"`
	MaxStore  ByteSize `yaml:"max_store"`
	// DuplicateWindow is how long JetStream remembers message ids to drop
	// publisher retries. The store dedupes forever; this only saves work.
	DuplicateWindow Duration `yaml:"duplicate_window"`
	// MaxAge is how long messages stay in the streams.
	MaxAge Duration `yaml:"max_age"`
	// Replicas of each stream on a cluster (1 for a single server).
	Replicas int `yaml:"replicas"`
	// MaxDeliver is how often a message is tried before it is given up
	// (it stays in the stream for inspection).
	MaxDeliver int `yaml:"max_deliver"`
	// AckWait is how long a consumer may work on a message before it is
	// redelivered.
	AckWait Duration `yaml:"ack_wait"`
	// SyncInterval is how often the embedded server flushes its streams to
	// disk. A published item is acknowledged before the flush, so this is
	// what a power cut can lose; SyncAlways flushes every write instead.
	SyncInterval Duration `yaml:"sync_interval"`
	SyncAlways   bool     `yaml:"sync_always"`
	// Namespace prefixes subjects and stream names so that several
	// deployments or test runs can share one NATS cluster (default "yuqing").
	Namespace string `yaml:"namespace"`
}

// Store selects the database.
type Store struct {
	// DSN empty means SQLite at DataDir/yuqing.db. A postgres:// or
	// postgresql:// URL selects PostgreSQL; a file path or file: URI
	// selects SQLite at that place.
	DSN Secret `yaml:"dsn"`
	// DSNFile reads the DSN from a file (for passwords).
	DSNFile string `yaml:"dsn_file"`
	// MaxOpenConns bounds the connection pool (PostgreSQL).
	MaxOpenConns int `yaml:"max_open_conns"`
}

// Ingest configures fetching.
type Ingest struct {
	// SourcesFile lists the sources (see Source). Empty: built-in sample.
	SourcesFile  string   `yaml:"sources_file"`
	UserAgent    string   `yaml:"user_agent"`
	Timeout      Duration `yaml:"timeout"`
	MaxBodySize  ByteSize `yaml:"max_body_size"`
	MaxRedirects int      `yaml:"max_redirects"`
	// Interval is the default poll interval of a source.
	Interval Duration `yaml:"interval"`
	// Jitter spreads polls: each wait is randomised by ±Jitter (0..0.5).
	Jitter float64 `yaml:"jitter"`
	// MaxBackoff caps the wait after repeated failures.
	MaxBackoff Duration `yaml:"max_backoff"`
	// Concurrency is how many sources are fetched at once.
	Concurrency int `yaml:"concurrency"`
}

// Source is one entry of the sources file.
type Source struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name"`
	Kind     string   `yaml:"kind"`
	URL      string   `yaml:"url"`
	Interval Duration `yaml:"interval"`
	Weight   float64  `yaml:"weight"`
	Region   string   `yaml:"region"`
	Disabled bool     `yaml:"disabled"`
	Pos      Pos      `yaml:"-"`
}

// Model returns the domain form of the source.
func (s Source) Model() model.Source {
	return model.Source{ID: s.ID, Name: s.Name, Kind: s.Kind, URL: s.URL,
		Interval: s.Interval.D(), Weight: s.Weight, Region: s.Region}
}

// Analyze configures the analyzer.
type Analyze struct {
	// TaxonomyFile holds the hot-topic areas. Empty: built-in taxonomy.
	TaxonomyFile string `yaml:"taxonomy_file"`
	// DictionaryFile adds words to the segmenter (one per line: word
	// [frequency [part-of-speech]]). Empty: built-in dictionary.
	DictionaryFile string `yaml:"dictionary_file"`
	// PlacesFile is the gazetteer: city, districts and counties, towns and
	// their aliases. Empty: built-in gazetteer of the plan's city.
	PlacesFile string `yaml:"places_file"`
	// Workers is how many items are analyzed at once.
	Workers int `yaml:"workers"`
}

// Alert configures routing and delivery.
type Alert struct {
	// DepartmentsFile lists departments and receivers. Empty: built-in.
	DepartmentsFile string `yaml:"departments_file"`
	// RoutesFile holds the routing tree. Empty: built-in.
	RoutesFile string `yaml:"routes_file"`
	// Retry shapes redelivery of alerts from the outbox.
	Retry Retry `yaml:"retry"`
	// Workers is how many tagged items are routed at once.
	Workers int `yaml:"workers"`
	// PublicURL is where the web console is reachable by officers, used in
	// links inside messages.
	PublicURL string `yaml:"public_url"`
}

// Retry is an exponential backoff policy.
type Retry struct {
	Initial Duration `yaml:"initial"`
	Max     Duration `yaml:"max"`
	// GiveUpAfter marks a delivery failed when it has not succeeded this
	// long after it was queued. It stays in the outbox, visible.
	GiveUpAfter Duration `yaml:"give_up_after"`
}
