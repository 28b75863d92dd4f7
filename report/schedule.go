package report

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/yuqing/yuqing/config"
)

// Defaults of the scheduler.
const (
	defaultLease       = time.Hour
	defaultRetryDelay  = 30 * time.Minute
	defaultMaxAttempts = 3
)

// SchedulerOptions configure a Scheduler.
type SchedulerOptions struct {
	Schedule config.WeeklySchedule
	Location *time.Location
	// Scopes are the reports built each week: "" for the city-wide one,
	// department codes for departments' own.
	Scopes []string
	Runs   RunStore
	// Publish builds and sends one report (Publisher.Publish). A
	// *DeliveryError means it was built and sent to some receivers: the
	// run is done, not retried, so nobody gets it twice.
	Publish func(ctx context.Context, week Week, scope string) error
	Now     func() time.Time
	// After waits like time.After; tests drive the schedule through it.
	After func(d time.Duration) <-chan time.Time
	// Lease is how long a claimed run blocks other instances before it is
	// taken as abandoned (default 1h).
	Lease time.Duration
	// RetryDelay and MaxAttempts bound the retries of a failed build
	// (default 30 min, 3 attempts per process).
	RetryDelay  time.Duration
	MaxAttempts int
	Logger      *slog.Logger
}

// Scheduler builds the previous ISO week's reports once a week at the
// configured weekday and time. At start it catches up the latest week due
// if its report was not made (the process was down at the time), but never
// on a new installation, and never twice for a week: each run is claimed
// in the RunStore first.
type Scheduler struct {
	o        SchedulerOptions
	attempts map[string]int
}

// NewScheduler checks the options and fills in the defaults.
func NewScheduler(o SchedulerOptions) (*Scheduler, error) {
	if o.Runs == nil || o.Publish == nil {
		return nil, errors.New("report: new scheduler: runs and publish are required")
	}
	if o.Location == nil {
		o.Location = Shanghai()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Lease <= 0 {
		o.Lease = defaultLease
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = defaultRetryDelay
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = defaultMaxAttempts
	}
	if len(o.Scopes) == 0 {
		o.Scopes = []string{""}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Logger = o.Logger.With("component", "report")
	return &Scheduler{o: o, attempts: map[string]int{}}, nil
}

// Run runs the schedule until ctx is done.
func (s *Scheduler) Run(ctx context.Context) error {
	first := true
	for {
		now := s.o.Now()
		_, week := s.LastDue(now)
		retry := s.runDue(ctx, week, now, first)
		first = false
		next := s.NextDue(now)
		wait := next.Sub(now)
		if retry && s.o.RetryDelay < wait {
			wait = s.o.RetryDelay
		}
		s.o.Logger.Debug("next report run", "at", now.Add(wait).In(s.o.Location).Format(time.RFC3339))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.o.After(wait):
		}
	}
}

// LastDue returns the latest due time at or before now, and the week whose
// report is then due: the ISO week before the due time's week.
func (s *Scheduler) LastDue(now time.Time) (time.Time, Week) {
	local := now.In(s.o.Location)
	monday := WeekOf(local, s.o.Location).Start()
	offset := (int(s.o.Schedule.Weekday) + 6) % 7 // days after Monday
	due := time.Date(monday.Year(), monday.Month(), monday.Day()+offset,
		s.o.Schedule.Hour, s.o.Schedule.Minute, 0, 0, s.o.Location)
	if due.After(local) {
		due = due.AddDate(0, 0, -7)
	}
	return due, WeekOf(due, s.o.Location).Prev()
}

// NextDue returns the first due time after now.
func (s *Scheduler) NextDue(now time.Time) time.Time {
	due, _ := s.LastDue(now)
	return due.AddDate(0, 0, 7)
}

// runDue makes the reports of week that are not made yet; it reports
// whether one failed and should be tried again.
func (s *Scheduler) runDue(ctx context.Context, week Week, now time.Time, first bool) (retry bool) {
	if first {
		made, err := s.o.Runs.HasReportRuns(ctx)
		if err != nil {
			s.o.Logger.Error("cannot read report runs", "err", err)
			return true
		}
		if !made {
			s.skipNewInstallation(ctx, week, now)
			return false
		}
	}
	for _, scope := range s.o.Scopes {
		if s.runOne(ctx, week, scope, now) {
			retry = true
		}
	}
	return retry
}

// skipNewInstallation records the week due before the schedule first ran
// as skipped: a new installation starts with the next week.
func (s *Scheduler) skipNewInstallation(ctx context.Context, week Week, now time.Time) {
	for _, scope := range s.o.Scopes {
		if err := s.o.Runs.SkipReportRun(ctx, week.String(), scope, now); err != nil {
			s.o.Logger.Error("cannot record skipped report", "week", week.String(), "scope", scope, "err", err)
		}
	}
	s.o.Logger.Info("first report schedule: the week already due is skipped", "week", week.String(),
		"next", s.NextDue(now).In(s.o.Location).Format(time.RFC3339))
}

// runOne claims and makes one report; true means it failed and may be
// retried.
func (s *Scheduler) runOne(ctx context.Context, week Week, scope string, now time.Time) bool {
	key := week.String() + "/" + scope
	if s.attempts[key] >= s.o.MaxAttempts {
		return false
	}
	claimed, err := s.o.Runs.ClaimReportRun(ctx, week.String(), scope, now, s.o.Lease)
	if err != nil {
		s.o.Logger.Error("cannot claim report run", "week", week.String(), "scope", scope, "err", err)
		return true
	}
	if !claimed {
		return false
	}
	s.attempts[key]++
	log := s.o.Logger.With("week", week.String(), "scope", scope, "attempt", s.attempts[key])
	log.Info("building weekly report")
	err = s.o.Publish(ctx, week, scope)
	var partial *DeliveryError
	failed := err != nil && !errors.As(err, &partial)
	errText := ""
	if err != nil {
		errText = err.Error()
		log.Error("weekly report failed", "err", err, "will_retry", failed && s.attempts[key] < s.o.MaxAttempts)
	}
	// The run's end is recorded even when ctx was cancelled meanwhile.
	if ferr := s.o.Runs.FinishReportRun(context.WithoutCancel(ctx), week.String(), scope, s.o.Now(), failed, errText); ferr != nil {
		log.Error("cannot record report run", "err", ferr)
	}
	return failed && s.attempts[key] < s.o.MaxAttempts
}

// String describes the schedule, e.g. "Mon 08:00 Asia/Shanghai".
func (s *Scheduler) String() string {
	return fmt.Sprintf("%s %02d:%02d %s", s.o.Schedule.Weekday.String()[:3], s.o.Schedule.Hour, s.o.Schedule.Minute, s.o.Location)
}
