package app

import "github.com/yuqing/yuqing/alert/notify"

// buildReceivers builds every configured receiver once; alert delivery and
// report delivery share them, so a robot's rate limit covers both.
func (a *App) buildReceivers(o Options) error {
	consoleURL := a.cfg.Alert.PublicURL
	var err error
	a.notifiers, err = notify.Build(a.cfg.Receivers, notify.Options{
		Logger: a.logger, HTTPClient: o.HTTPClient, Now: a.now, UserAgent: "yuqing/" + Version(),
		Publisher: a.bus, ConsoleURL: consoleURL, Sent: a.recentSends(),
	})
	return err
}
