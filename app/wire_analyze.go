package app

import "github.com/yuqing/yuqing/analyze"

// buildAnalysis creates the analyze stage around the shared analyzer.
func (a *App) buildAnalysis() error {
	var err error
	a.analyzeSt, err = analyze.NewStage(analyze.StageOptions{
		Analyzer: a.analyzer, Store: a.store, Publisher: a.bus,
		Logger: a.logger, Registerer: a.registry, Clock: a.now,
	})
	return err
}
