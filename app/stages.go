package app

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify"
	"github.com/yuqing/yuqing/analyze"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/ingest"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/web"
)

// buildStages compiles the routing tree and receivers and creates the
// stages; nothing runs until Start.
func (a *App) buildStages(o Options) error {
	router, err := alert.CompileRoutes(a.cfg.Route, a.cfg.Departments, a.cfg.Taxonomy.Topics, a.cfg.Receivers)
	if err != nil {
		return err
	}
	notifiers, err := notify.Build(a.cfg.Receivers, notify.Options{
		Logger: a.logger, HTTPClient: o.HTTPClient, Now: a.now, UserAgent: "yuqing/" + Version(),
	})
	if err != nil {
		return err
	}
	a.dispatcher, err = alert.NewDispatcher(alert.DispatchOptions{
		Outbox: a.store, Notifiers: notifiers, Retry: a.cfg.Alert.Retry,
		Now: a.now, Logger: a.logger, Registerer: a.registry,
	})
	if err != nil {
		return err
	}
	depts := make(map[string]config.Department, len(a.cfg.Departments))
	for _, d := range a.cfg.Departments {
		depts[d.Code] = d
	}
	a.alertSt, err = alert.NewStage(alert.StageOptions{
		Router: router, Departments: depts, Cases: a.store, Kick: a.dispatcher.Kick,
		Now: a.now, Logger: a.logger, Registerer: a.registry,
	})
	if err != nil {
		return err
	}
	a.analyzeSt, err = analyze.NewStage(analyze.StageOptions{
		Analyzer: a.analyzer, Store: a.store, Publisher: a.bus,
		Logger: a.logger, Registerer: a.registry, Clock: a.now,
	})
	if err != nil {
		return err
	}
	sources := make([]model.Source, 0, len(a.cfg.Sources))
	for _, s := range a.cfg.Sources {
		if !s.Disabled {
			sources = append(sources, s.Model())
		}
	}
	a.scheduler, err = ingest.NewScheduler(ingest.Options{
		Config: a.cfg.Ingest, Sources: sources, Publisher: a.bus, State: a.store,
		Logger: a.logger, Registerer: a.registry, Now: a.now,
	})
	if err != nil {
		return err
	}
	if a.cfg.HTTP.Listen != "" {
		a.web = web.New(web.Options{
			Listen: a.cfg.HTTP.Listen, Gatherer: a.registry, Logger: a.logger.With("component", "web"),
			Checks: []web.Check{
				{Name: "nats", Check: func(context.Context) error { return a.bus.Ready() }},
				{Name: "store", Check: a.store.Ping},
			},
		})
	}
	return nil
}

// Start runs the stages: the HTTP endpoint, then consumers from the end of
// the pipeline to its start (so nothing waits on a stage not yet running),
// then the sources.
func (a *App) Start(ctx context.Context) error {
	if a.web != nil {
		if err := a.web.Start(); err != nil {
			return err
		}
		a.stops.add("http", a.web.Shutdown)
	}
	a.goRun("dispatcher", a.dispatcher.Run)
	if err := a.consume(ctx, "alert", func(ctx context.Context) (stopper, error) {
		return a.bus.ConsumeTagged(ctx, workers(a.cfg.Alert.Workers), a.alertSt.Handle)
	}); err != nil {
		return err
	}
	if err := a.consume(ctx, "analyze", func(ctx context.Context) (stopper, error) {
		return a.bus.ConsumeItems(ctx, workers(a.cfg.Analyze.Workers), a.analyzeSt.Handle)
	}); err != nil {
		return err
	}
	a.goRun("sources", a.scheduler.Run)
	a.logger.Info("yuqing started", "sources", len(a.cfg.Sources), "topics", len(a.cfg.Taxonomy.Topics),
		"departments", len(a.cfg.Departments), "http", a.HTTPAddr())
	return nil
}

type stopper interface{ Stop() }

func (a *App) consume(ctx context.Context, name string, start func(context.Context) (stopper, error)) error {
	c, err := start(ctx)
	if err != nil {
		return fmt.Errorf("app: start %s consumer: %w", name, err)
	}
	a.stops.add(name, func(context.Context) error { c.Stop(); return nil })
	return nil
}

// goRun runs a loop until Stop cancels it, and waits for it on Stop.
func (a *App) goRun(name string, run func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			a.logger.Error("stopped with error", "part", name, "err", err)
		}
	}()
	a.stops.add(name, func(stopCtx context.Context) error {
		cancel()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
			return nil
		case <-stopCtx.Done():
			return fmt.Errorf("%s did not stop in time: %w", name, stopCtx.Err())
		}
	})
}

// Stop drains and closes everything in reverse order of start: sources,
// analysis, alerting, the HTTP endpoint, the store and NATS.
func (a *App) Stop(ctx context.Context) error {
	return a.stops.run(ctx)
}

func workers(n int) int {
	if n <= 0 {
		return 2
	}
	return n
}
