package alert

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/internal/prom"
	"github.com/yuqing/yuqing/model"
)

// tickBatch is how many due cases one store query returns.
const tickBatch = 200

// TickerOptions configure a Ticker. Policy and Cases are required.
type TickerOptions struct {
	Policy *Policy
	Cases  CaseClock
	// Silences are the configured ones; the store's are read every tick.
	Silences []model.Silence
	// Interval between ticks (default config.DefaultTick).
	Interval time.Duration
	// Kick wakes the dispatcher when messages were queued.
	Kick       func()
	Now        func() time.Time
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Ticker drives the cases by the clock: reminders at the deadline points,
// escalations when deadlines pass, held-back updates, and repeats for cases
// nobody signed for. Everything it decides is saved with the case in one
// transaction, and each message has its own outbox key, so a restart (or a
// second instance ticking at the same time) never queues a message twice.
type Ticker struct {
	policy   *Policy
	cases    CaseClock
	silences []model.Silence
	interval time.Duration
	kick     func()
	now      func() time.Time
	log      *slog.Logger
	messages *prometheus.CounterVec
}

// NewTicker checks the options and registers the ticker's metrics.
func NewTicker(o TickerOptions) (*Ticker, error) {
	if o.Policy == nil || o.Cases == nil {
		return nil, errors.New("alert: new ticker: policy and case store are required")
	}
	t := &Ticker{policy: o.Policy, cases: o.Cases, silences: o.Silences, interval: o.Interval,
		kick: o.Kick, now: o.Now, log: orDiscard(o.Logger).With("component", "alert.clock"),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_alert_clock_messages_total",
			Help: "Messages the deadline clock queued, by kind (reminder, escalation, repeat, update).",
		}, []string{"kind"}),
	}
	if t.interval <= 0 {
		t.interval = time.Minute
	}
	if t.kick == nil {
		t.kick = func() {}
	}
	if t.now == nil {
		t.now = time.Now
	}
	var err error
	if t.messages, err = prom.Register(o.Registerer, t.messages); err != nil {
		return nil, fmt.Errorf("alert: new ticker: %w", err)
	}
	return t, nil
}

// Run ticks at once and then every interval until ctx ends.
func (t *Ticker) Run(ctx context.Context) error {
	timer := time.NewTicker(t.interval)
	defer timer.Stop()
	for {
		if _, err := t.Tick(ctx); err != nil && ctx.Err() == nil {
			t.log.Error("deadline clock tick failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
	}
}

// Tick advances every case with something due now and returns how many
// messages it queued.
func (t *Ticker) Tick(ctx context.Context) (int, error) {
	now := t.now()
	stored, err := t.cases.ActiveSilences(ctx, now)
	if err != nil {
		return 0, fmt.Errorf("alert: tick: %w", err)
	}
	silences := activeSilences(append(stored, t.silences...), now)
	policy := func(ch *model.CaseChange) { t.policy.advance(ch, silences) }
	seen := map[int64]bool{}
	queued := 0
	for ctx.Err() == nil {
		ids, err := t.cases.DueCases(ctx, now, tickBatch)
		if err != nil {
			return queued, fmt.Errorf("alert: tick: %w", err)
		}
		progress := false
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id], progress = true, true
			ch, err := t.cases.AdvanceCase(ctx, id, now, policy)
			if err != nil {
				return queued, fmt.Errorf("alert: tick: advance case %d: %w", id, err)
			}
			queued += t.record(ch)
		}
		if len(ids) < tickBatch || !progress {
			break
		}
	}
	if queued > 0 {
		t.kick()
	}
	return queued, nil
}

func (t *Ticker) record(ch model.CaseChange) int {
	for _, m := range ch.Messages {
		t.messages.WithLabelValues(m.Alert.Kind).Inc()
		level := slog.LevelInfo
		if m.Alert.Kind == model.AlertEscalation {
			level = slog.LevelWarn
		}
		t.log.Log(context.Background(), level, "case message queued", "case_id", ch.Case.ID, "kind", m.Alert.Kind,
			"department", ch.Case.Department, "note", m.Alert.Note, "receivers", m.Receivers)
	}
	return len(ch.Messages)
}

// advance is the clock's model.CasePolicy.
func (p *Policy) advance(ch *model.CaseChange, silences []model.Silence) {
	c := &ch.Case
	if c.Ended() {
		c.Schedule.NextRepeatAt, c.Schedule.UpdateDueAt = time.Time{}, time.Time{}
		for i := range c.Deadlines {
			c.Deadlines[i].NextCheckAt = time.Time{}
		}
		return
	}
	mute := caseMute{silenced: caseMuted(*c, silences), inhibitor: inhibitor(*c, ch.Peers, ch.Now)}
	p.advanceDeadlines(ch, mute)
	p.advanceUpdate(ch, mute.silenced)
	p.advanceRepeat(ch, mute)
}

func (p *Policy) advanceUpdate(ch *model.CaseChange, silenced bool) {
	c := &ch.Case
	s := &c.Schedule
	if s.UpdateDueAt.IsZero() || s.UpdateDueAt.After(ch.Now) {
		return
	}
	if release := p.calendar.Release(model.AlertUpdate, c.Severity, ch.Now); release.After(ch.Now) {
		s.UpdateDueAt = release
		return
	}
	if silenced || !severityRose(s.NotifiedSeverity, c.Severity) && !p.spreadCrossed(*c) {
		s.UpdateDueAt = time.Time{}
		return
	}
	p.sendUpdate(ch)
}

func (p *Policy) advanceRepeat(ch *model.CaseChange, mute caseMute) {
	c := &ch.Case
	s := &c.Schedule
	if c.State != model.CaseOpen || s.RepeatInterval <= 0 {
		s.NextRepeatAt = time.Time{}
		return
	}
	if s.NextRepeatAt.IsZero() || s.NextRepeatAt.After(ch.Now) {
		return
	}
	if release := p.calendar.Release(model.AlertRepeat, c.Severity, ch.Now); release.After(ch.Now) {
		s.NextRepeatAt = release
		return
	}
	s.NextRepeatAt = ch.Now.Add(s.RepeatInterval)
	if mute.silenced || mute.inhibitor != nil {
		return
	}
	s.Repeats++
	note := fmt.Sprintf("案件尚无人签收，请及时签收（第 %d 次提醒）", s.Repeats)
	p.queue(ch, fmt.Sprintf("repeat:%d", s.Repeats), model.AlertRepeat, note, p.receiversOf(c.Department), ch.Now)
	s.LastNotifiedAt = ch.Now
	p.event(ch, model.AlertRepeat, note)
}
