package app

import "github.com/yuqing/yuqing/analyze"

// buildAnalysis creates the analyze stage around the shared analyzer, with
// the store's story index, and the surge watcher as a background loop.
func (a *App) buildAnalysis() error {
	c := a.cfg.Analyze
	c.ApplyDefaults()
	var err error
	a.analyzeSt, err = analyze.NewStage(analyze.StageOptions{
		Analyzer: a.analyzer, Store: a.store, Publisher: a.bus,
		Stories: a.store, StoryWindow: c.Stories.Window.D(),
		Logger: a.logger, Registerer: a.registry, Clock: a.now,
	})
	if err != nil || c.Surges.Disabled {
		return err
	}
	watcher, err := analyze.NewSurgeWatcher(analyze.SurgeOptions{
		Store: a.store, Events: a.bus, Config: c.Surges, TopicName: a.analyzer.TopicName,
		Logger: a.logger, Registerer: a.registry, Clock: a.now,
	})
	if err != nil {
		return err
	}
	a.addLoop("surges", watcher.Run)
	return nil
}
