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
	// NegativityFile is the negativity lexicon. Empty: built-in.
	NegativityFile string `yaml:"negativity_file"`
	// SeverityFile holds the severity rules. Empty: built-in.
	SeverityFile string `yaml:"severity_file"`
	// Segmentation is "fast" (default: find the configured words first and
	// segment only around them) or "full" (segment every text whole).
	Segmentation string `yaml:"segmentation"`
	// Stories groups reprints and near-copies of an article.
	Stories Stories `yaml:"stories"`
	// Surges watches topics and stories for spikes.
	Surges Surges `yaml:"surges"`

	// Loaded from the files named above.
	Negativity Negativity    `yaml:"-"`
	Severity   SeverityRules `yaml:"-"`
}

// Stories configures the grouping of articles into stories.
type Stories struct {
	// Similarity is the estimated Jaccard similarity of their word
	// shingles from which two articles are one story (default 0.5).
	Similarity float64 `yaml:"similarity"`
	// Window is how long after its last article a story can still be
	// joined (default 7d).
	Window Duration `yaml:"window"`
}

// Surges configures spike detection.
type Surges struct {
	// Disabled turns detection off.
	Disabled bool `yaml:"disabled"`
	// Interval is how often counts are checked (default 5m).
	Interval Duration `yaml:"interval"`
	// Baseline is the history a window is compared with (default 14d).
	Baseline Duration `yaml:"baseline"`
	// Method is "mad" (median + k·MAD, default) or "sigma" (mean + k·σ).
	Method string `yaml:"method"`
	// K is the number of deviations a spike must exceed (default 3).
	K float64 `yaml:"k"`
	// MinHour and MinDay are the fewest articles an hour or a day needs to
	// count as a spike at all (defaults 5 and 20), so that quiet topics do
	// not alarm on their second article.
	MinHour int `yaml:"min_hour"`
	MinDay  int `yaml:"min_day"`
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
	// OpenCases says which items open a case: "negative" (the default) —
	// negative items, and any item of severity Ⅲ or worse — or "all" items
	// in a hot-topic area. Items that open no case are still stored,
	// counted in reports and grow the cases of their story.
	OpenCases string `yaml:"open_cases"`
	// PublicURL is where the web console is reachable by officers, used in
	// links inside messages. Empty: the address of the HTTP endpoint
	// (http.listen), which suits officers on the same network only.
	PublicURL string `yaml:"public_url"`
	// Coordinator is the coordinating office (政务公开办): its API token sees
	// every case and manages silences. Empty: the root route's department.
	Coordinator string `yaml:"coordinator"`
	// Deadlines are the statutory deadlines, their reminders and the
	// escalation of missed ones.
	Deadlines Deadlines `yaml:"deadlines"`
	// Updates says when a grown story is worth a message.
	Updates Updates `yaml:"updates"`
	// CalendarFile is the work calendar (quiet hours, holidays, make-up
	// working days). Empty: built-in.
	CalendarFile string `yaml:"calendar_file"`
	// Links signs the action links of messages.
	Links Links `yaml:"links"`
	// Silences mute stories, topics or sources for a while; the
	// coordinating office adds more through the API.
	Silences []SilenceSpec `yaml:"silences"`
	// Calendar is loaded from CalendarFile.
	Calendar Calendar `yaml:"-"`
}

// Retry is an exponential backoff policy.
type Retry struct {
	Initial Duration `yaml:"initial"`
	Max     Duration `yaml:"max"`
	// GiveUpAfter marks a delivery failed when it has not succeeded this
	// long after it was queued. It stays in the outbox, visible.
	GiveUpAfter Duration `yaml:"give_up_after"`
}
