// Package app wires yuqing's parts into one process and runs them: it opens
// the store and the bus, loads the analyzer, starts the stages in pipeline
// order and stops them in reverse.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/analyze"
	"github.com/yuqing/yuqing/bus"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/ingest"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
	"github.com/yuqing/yuqing/web"
)

// Options are the process-level dependencies of an App.
type Options struct {
	Logger *slog.Logger
	// Analyzer, when set, is used instead of loading one from the
	// configuration (tests share one: loading the dictionary takes seconds).
	Analyzer *analyze.Analyzer
	// HTTPClient is used by receivers; nil means a default client.
	HTTPClient *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// App is one running yuqing process.
type App struct {
	cfg      *config.Config
	logger   *slog.Logger
	now      func() time.Time
	registry *prometheus.Registry

	store      *store.Store
	bus        *bus.Bus
	analyzer   *analyze.Analyzer
	scheduler  *ingest.Scheduler
	analyzeSt  *analyze.Stage
	alertSt    *alert.Stage
	dispatcher *alert.Dispatcher
	notifiers  map[string]alert.Notifier
	web        *web.Server

	loops []loop
	stops cleanups
}

// New opens every resource the configuration names. On error, whatever was
// opened is closed again.
func New(ctx context.Context, cfg *config.Config, o Options) (a *App, err error) {
	a = &App{cfg: cfg, logger: o.Logger, now: o.Now, registry: prometheus.NewRegistry()}
	if a.logger == nil {
		a.logger = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.stops.logger = a.logger
	a.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	defer func() {
		if err != nil {
			_ = a.stops.run(context.Background())
		}
	}()

	// The dictionary takes the longest to load: do it while NATS and the
	// store start.
	analyzerReady := make(chan error, 1)
	go func() {
		if o.Analyzer != nil {
			a.analyzer = o.Analyzer
			analyzerReady <- nil
			return
		}
		var err error
		a.analyzer, err = BuildAnalyzer(cfg)
		analyzerReady <- err
	}()
	// NATS opens first so that it closes last.
	if err := a.openBus(ctx); err != nil {
		<-analyzerReady
		return nil, err
	}
	if err := a.openStore(ctx); err != nil {
		<-analyzerReady
		return nil, err
	}
	if err := <-analyzerReady; err != nil {
		return nil, err
	}
	// Loading the dictionary leaves ~100 MB of garbage behind; give it back
	// to the OS now rather than whenever the scavenger gets to it.
	debug.FreeOSMemory()
	if err := a.buildStages(o); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *App) openStore(ctx context.Context) error {
	dsn, err := storeDSN(a.cfg.Store)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Options{
		DSN: dsn, DataDir: a.cfg.DataDir, MaxOpenConns: a.cfg.Store.MaxOpenConns,
		Logger: a.logger,
	})
	if err != nil {
		return err
	}
	a.store = st
	a.stops.add("store", func(context.Context) error { return st.Close() })
	sources := make([]model.Source, len(a.cfg.Sources))
	for i, s := range a.cfg.Sources {
		sources[i] = s.Model()
	}
	return st.SyncSources(ctx, sources)
}

func storeDSN(c config.Store) (string, error) {
	if c.DSNFile == "" {
		return c.DSN.Reveal(), nil
	}
	b, err := os.ReadFile(c.DSNFile)
	if err != nil {
		return "", fmt.Errorf("app: read store.dsn_file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func (a *App) openBus(ctx context.Context) error {
	b, err := bus.Open(ctx, bus.Options{
		Config: a.cfg.NATS, DataDir: a.cfg.DataDir, Name: "yuqing",
		Logger: a.logger, Registerer: a.registry,
	})
	if err != nil {
		return err
	}
	a.bus = b
	a.stops.add("nats", func(context.Context) error { return b.Close() })
	return nil
}

// Registry is the Prometheus registry of the process.
func (a *App) Registry() *prometheus.Registry { return a.registry }

// Store gives access to the store (demo and tests read results from it).
func (a *App) Store() *store.Store { return a.store }

// Bus gives access to the bus.
func (a *App) Bus() *bus.Bus { return a.bus }

// HTTPAddr is the address of the operations endpoint once started.
func (a *App) HTTPAddr() string {
	if a.web == nil {
		return ""
	}
	return a.web.Addr()
}
