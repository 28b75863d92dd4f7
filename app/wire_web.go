package app

import (
	"context"

	"github.com/yuqing/yuqing/web"
)

// buildWeb creates the HTTP endpoint when http.listen is set; it is built
// first so that the other parts can add their handlers (a.web may be nil).
func (a *App) buildWeb() {
	if a.cfg.HTTP.Listen == "" {
		return
	}
	a.web = web.New(web.Options{
		Listen: a.cfg.HTTP.Listen, Gatherer: a.registry, Logger: a.logger.With("component", "web"),
		Checks: []web.Check{
			{Name: "nats", Check: func(context.Context) error { return a.bus.Ready() }},
			{Name: "store", Check: a.store.Ping},
		},
	})
}
