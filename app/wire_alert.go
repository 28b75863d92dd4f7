package app

import (
	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify"
	"github.com/yuqing/yuqing/config"
)

// buildAlerting compiles the routing tree and the receivers and creates the
// alert stage and the outbox dispatcher.
func (a *App) buildAlerting(o Options) error {
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
	return err
}
