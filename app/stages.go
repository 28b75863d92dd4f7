package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// buildStages creates the stages from the configuration; nothing runs
// until Start. Each stage is wired in its own file.
func (a *App) buildStages(o Options) error {
	a.buildWeb()
	if err := a.buildReceivers(o); err != nil {
		return err
	}
	if err := a.buildAlerting(o); err != nil {
		return err
	}
	if err := a.buildAnalysis(); err != nil {
		return err
	}
	if err := a.buildReport(o); err != nil {
		return err
	}
	return a.buildIngest()
}

// loop is a background job of a stage (a ticker, a scheduler) that runs
// from Start until Stop.
type loop struct {
	name string
	run  func(ctx context.Context) error
}

// addLoop registers a background job; wiring code calls it while building,
// Start runs the jobs after the consumers and before the sources.
func (a *App) addLoop(name string, run func(ctx context.Context) error) {
	a.loops = append(a.loops, loop{name, run})
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
	for _, l := range a.loops {
		a.goRun(l.name, l.run)
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
