package app

import (
	"github.com/yuqing/yuqing/ingest"
	"github.com/yuqing/yuqing/model"
)

// buildIngest creates the scheduler of the enabled sources.
func (a *App) buildIngest() error {
	sources := make([]model.Source, 0, len(a.cfg.Sources))
	for _, s := range a.cfg.Sources {
		if !s.Disabled {
			sources = append(sources, s.Model())
		}
	}
	var err error
	a.scheduler, err = ingest.NewScheduler(ingest.Options{
		Config: a.cfg.Ingest, Sources: sources, Publisher: a.bus, State: a.store,
		Logger: a.logger, Registerer: a.registry, Now: a.now,
	})
	return err
}
