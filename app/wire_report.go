package app

import (
	"cmp"
	"fmt"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/report"
)

// buildReport wires the weekly report: the handler serving archived
// reports, and (unless report.disabled) the schedule that builds, archives
// and sends the previous week's reports.
func (a *App) buildReport(o Options) error {
	if a.web != nil {
		a.web.Handle("GET /reports/{file}", report.Handler(a.store, a.logger.With("component", "report")))
	}
	rc := a.cfg.Report.WithDefaults()
	if rc.Disabled {
		return nil
	}
	sched, err := a.newReportScheduler(rc, o, nil)
	if err != nil {
		return err
	}
	a.addLoop("report", sched.Run)
	a.logger.Info("weekly report scheduled", "schedule", sched.String(), "scopes", len(rc.Departments)+1)
	return nil
}

// newReportScheduler builds the publisher and its schedule; after, when
// set, replaces time.After (tests drive the schedule with it).
func (a *App) newReportScheduler(rc config.Report, o Options, after func(time.Duration) <-chan time.Time) (*report.Scheduler, error) {
	loc, err := time.LoadLocation(rc.Timezone)
	if err != nil {
		return nil, fmt.Errorf("app: report timezone: %w", err)
	}
	schedule, err := config.ParseWeeklySchedule(rc.Schedule)
	if err != nil {
		return nil, fmt.Errorf("app: report schedule: %w", err)
	}
	pub, err := a.newReportPublisher(rc, loc, o)
	if err != nil {
		return nil, err
	}
	scopes := append([]string{""}, rc.Departments...)
	return report.NewScheduler(report.SchedulerOptions{
		Schedule: schedule, Location: loc, Scopes: scopes, Runs: a.store,
		Publish: pub.Publish, Now: a.now, After: after, Logger: a.logger,
	})
}

func (a *App) newReportPublisher(rc config.Report, loc *time.Location, o Options) (*report.Publisher, error) {
	var seg report.Segmenter
	if a.analyzer != nil {
		seg = a.analyzer.Segmenter()
	}
	b, err := newReportBuilder(a.cfg, rc, loc, a.store, seg, a.now, a.logger)
	if err != nil {
		return nil, err
	}
	var chromium *report.Chromium
	if path, err := report.FindChromium(rc.Chromium); err != nil {
		a.logger.Warn("weekly reports will have no PDF", "err", err)
	} else {
		chromium = &report.Chromium{Path: path, Timeout: rc.PDFTimeout.D(), Logger: a.logger}
	}
	senders := a.reportSenders(rc)
	deptReceivers := map[string][]string{}
	for _, d := range a.cfg.Departments {
		deptReceivers[d.Code] = d.Receivers
	}
	return report.NewPublisher(report.PublisherOptions{
		Builder: b, Charts: reportCharts(rc, a.logger), Chromium: chromium, Archive: a.store,
		Formats: rc.Formats, PublicURL: cmp.Or(rc.PublicURL, a.cfg.Alert.PublicURL),
		Senders: senders, Receivers: rc.Receivers, DepartmentReceivers: deptReceivers,
		Now: a.now, Logger: a.logger, Registerer: a.registry,
	})
}

// reportSenders picks the receivers the reports go to among the process's
// receivers (shared with alerting, so a robot's rate limit counts both) and
// keeps those that can send reports. Reports are sent directly, not
// through the outbox.
func (a *App) reportSenders(rc config.Report) map[string]report.Sender {
	wanted := map[string]bool{}
	for _, name := range rc.Receivers {
		wanted[name] = true
	}
	for _, d := range a.cfg.Departments {
		for _, code := range rc.Departments {
			if d.Code == code {
				for _, name := range d.Receivers {
					wanted[name] = true
				}
			}
		}
	}
	senders := map[string]report.Sender{}
	for name := range wanted {
		if s, ok := a.notifiers[name].(report.Sender); ok {
			senders[name] = s
		} else {
			a.logger.Warn("receiver cannot send reports", "receiver", name)
		}
	}
	return senders
}
