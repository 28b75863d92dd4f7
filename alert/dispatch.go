package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/yuqing/yuqing/internal/prom"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

// Dispatcher defaults.
const (
	DefaultRetryInitial  = 10 * time.Second
	DefaultRetryMax      = 30 * time.Minute
	DefaultGiveUpAfter   = 72 * time.Hour
	DefaultLease         = 2 * time.Minute
	DefaultBatch         = 50
	DefaultPollInterval  = 2 * time.Second
	DefaultConcurrency   = 4
	minimumRetryInterval = time.Second
)

// DispatchOptions configures a Dispatcher. Outbox is required; zero values
// elsewhere take the defaults above.
type DispatchOptions struct {
	Outbox Outbox
	// Notifiers maps a receiver name to its notifier.
	Notifiers map[string]Notifier
	Retry     config.Retry
	// Lease is how long a claimed delivery stays ours. It must be longer
	// than a send takes (receivers time out well within it).
	Lease        time.Duration
	Batch        int
	PollInterval time.Duration
	Concurrency  int
	Now          func() time.Time
	// Rand returns a number in [0, 1) that jitters the backoff. Nil:
	// math/rand/v2.
	Rand       func() float64
	Logger     *slog.Logger
	Registerer prometheus.Registerer
}

// Dispatcher sends the deliveries of the outbox to their receivers, retrying
// with exponential backoff until they succeed or their give-up time passes.
// Several dispatchers may share one outbox: the lease keeps them apart.
type Dispatcher struct {
	outbox      Outbox
	notifiers   map[string]Notifier
	policy      backoff
	lease       time.Duration
	batch       int
	poll        time.Duration
	concurrency int
	now         func() time.Time
	log         *slog.Logger
	kick        chan struct{}

	deliveries *prometheus.CounterVec
	digests    *prometheus.CounterVec
	duration   *prometheus.HistogramVec
}

// NewDispatcher checks the options and registers the dispatcher's metrics.
func NewDispatcher(o DispatchOptions) (*Dispatcher, error) {
	switch {
	case o.Outbox == nil:
		return nil, errors.New("alert: new dispatcher: no outbox")
	case len(o.Notifiers) == 0:
		// Every delivery would be failed for an unknown receiver: that is
		// a wiring mistake, not a state to run in.
		return nil, errors.New("alert: new dispatcher: no notifiers")
	}
	policy, err := newBackoff(o.Retry, o.Rand)
	if err != nil {
		return nil, fmt.Errorf("alert: new dispatcher: %w", err)
	}
	d := &Dispatcher{
		outbox:      o.Outbox,
		notifiers:   o.Notifiers,
		policy:      policy,
		lease:       positiveOr(o.Lease, DefaultLease),
		batch:       positiveOr(o.Batch, DefaultBatch),
		poll:        positiveOr(o.PollInterval, DefaultPollInterval),
		concurrency: positiveOr(o.Concurrency, DefaultConcurrency),
		now:         o.Now,
		log:         orDiscard(o.Logger).With("component", "alert.dispatch"),
		kick:        make(chan struct{}, 1),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_alert_deliveries_total",
			Help: "Deliveries by receiver and result (delivered, retry, failed, deferred: held back by a rate limit).",
		}, []string{"receiver", "result"}),
		digests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "yuqing_alert_digests_total",
			Help: "Digest messages sent, each merging the alerts that were due while the receiver was over its rate limit.",
		}, []string{"receiver"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "yuqing_alert_delivery_duration_seconds",
			Help:    "Time a receiver took to accept or refuse an alert.",
			Buckets: prometheus.DefBuckets,
		}, []string{"receiver"}),
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.deliveries, err = prom.Register(o.Registerer, d.deliveries); err != nil {
		return nil, fmt.Errorf("alert: new dispatcher: %w", err)
	}
	if d.digests, err = prom.Register(o.Registerer, d.digests); err != nil {
		return nil, fmt.Errorf("alert: new dispatcher: %w", err)
	}
	if d.duration, err = prom.Register(o.Registerer, d.duration); err != nil {
		return nil, fmt.Errorf("alert: new dispatcher: %w", err)
	}
	return d, nil
}

func positiveOr[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// Kick wakes Run at once. It never blocks; kicks that arrive while one is
// pending are merged into it.
func (d *Dispatcher) Kick() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// Run sends due deliveries until ctx is cancelled, waking on Kick or every
// PollInterval. When ctx is cancelled it lets the sends under way finish
// (each has its receiver's timeout) and records their results before it
// returns nil.
func (d *Dispatcher) Run(ctx context.Context) error {
	timer := time.NewTimer(d.poll)
	defer timer.Stop()
	for {
		if _, err := d.DrainOnce(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("outbox drain failed", "error", err)
		}
		timer.Reset(d.poll)
		select {
		case <-ctx.Done():
			return nil
		case <-d.kick:
		case <-timer.C:
		}
	}
}

// DrainOnce sends every delivery that is due now, batch by batch, and
// returns how many it handled (sent, or failed without sending). Errors of
// the outbox are returned; failed sends are not errors (they are recorded
// in the outbox and logged).
func (d *Dispatcher) DrainOnce(ctx context.Context) (int, error) {
	total := 0
	for ctx.Err() == nil {
		claimedAt := d.now()
		batch, err := d.outbox.ClaimDeliveries(ctx, claimedAt, d.lease, d.batch)
		if err != nil {
			return total, fmt.Errorf("alert: claim deliveries: %w", err)
		}
		handled, err := d.sendBatch(ctx, batch, claimedAt)
		total += handled
		if err != nil {
			return total, err
		}
		if len(batch) < d.batch {
			return total, nil
		}
	}
	return total, nil
}

func (d *Dispatcher) sendBatch(ctx context.Context, batch []model.Delivery, claimedAt time.Time) (int, error) {
	// Sends and their bookkeeping outlive ctx: a send under way when the
	// process stops is finished and recorded, not abandoned to be repeated
	// after the lease.
	sendCtx := context.WithoutCancel(ctx)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		handled int
		errs    []error
		sem     = make(chan struct{}, d.concurrency)
	)
	for _, j := range d.plan(batch, claimedAt) {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			n, err := d.run(ctx, sendCtx, j, claimedAt)
			mu.Lock()
			defer mu.Unlock()
			handled += n
			if err != nil {
				errs = append(errs, err)
			}
		})
	}
	wg.Wait()
	return handled, errors.Join(errs...)
}

// run carries out one job of the plan and returns how many deliveries it
// finished or tried.
func (d *Dispatcher) run(ctx, sendCtx context.Context, j job, claimedAt time.Time) (int, error) {
	switch {
	case !j.deferUntil.IsZero():
		return 0, d.deferAll(sendCtx, j.dels, j.deferUntil, errOverLimit)
	case j.digest:
		return d.processDigest(ctx, sendCtx, j.dels, claimedAt)
	}
	done, err := d.process(ctx, sendCtx, j.dels[0], claimedAt)
	if done {
		return 1, err
	}
	return 0, err
}

// process sends one claimed delivery and records the outcome; done is
// false when it left the delivery alone. That happens to a delivery not
// started before ctx ended or before half its lease ran out: its claim
// expires and it is sent later, by us or another dispatcher, never by two
// at once.
func (d *Dispatcher) process(ctx, sendCtx context.Context, del model.Delivery, claimedAt time.Time) (done bool, err error) {
	if ctx.Err() != nil {
		return false, nil
	}
	if waited := d.now().Sub(claimedAt); waited >= d.lease/2 {
		d.log.Warn("lease running out before the send started, leaving the delivery for a later claim (lower batch or raise concurrency)",
			append(d.attrs(del), "waited", waited, "lease", d.lease)...)
		return false, nil
	}
	n, ok := d.notifiers[del.Receiver]
	if !ok {
		return true, d.fail(sendCtx, del, fmt.Errorf("receiver %q is not configured", del.Receiver))
	}
	a, err := decodeAlert(del)
	if err != nil {
		return true, d.fail(sendCtx, del, err)
	}
	start := d.now()
	retry, err := safeNotify(WithDeliveryID(sendCtx, del.ID), n, a)
	end := d.now()
	d.duration.WithLabelValues(del.Receiver).Observe(end.Sub(start).Seconds())
	if de, ok := errors.AsType[*DeferError](err); ok {
		return false, d.deferAll(sendCtx, []model.Delivery{del}, de.Until, de)
	}
	switch {
	case err == nil:
		return true, d.delivered(sendCtx, del, end)
	case !retry:
		return true, d.fail(sendCtx, del, err)
	}
	return true, d.retry(sendCtx, del, end, err)
}

func decodeAlert(del model.Delivery) (model.Alert, error) {
	var a model.Alert
	if err := json.Unmarshal(del.Payload, &a); err != nil {
		return model.Alert{}, fmt.Errorf("payload is not an alert: %w", err)
	}
	return a, nil
}

// safeNotify turns a panicking receiver into a permanent failure of this
// delivery rather than a crash of every delivery in the process.
func safeNotify(ctx context.Context, n Notifier, a model.Alert) (retry bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			retry, err = false, fmt.Errorf("receiver panicked: %v", p)
		}
	}()
	return n.Notify(ctx, a)
}

func (d *Dispatcher) delivered(ctx context.Context, del model.Delivery, at time.Time) error {
	d.deliveries.WithLabelValues(del.Receiver, "delivered").Inc()
	if err := d.outbox.MarkDelivered(ctx, del.ID, at); err != nil {
		return fmt.Errorf("alert: mark delivery %d delivered: %w", del.ID, err)
	}
	d.log.Debug("alert delivered", d.attrs(del)...)
	return nil
}

func (d *Dispatcher) fail(ctx context.Context, del model.Delivery, cause error) error {
	d.deliveries.WithLabelValues(del.Receiver, "failed").Inc()
	d.log.Error("alert delivery failed for good", append(d.attrs(del), "error", cause)...)
	if err := d.outbox.MarkFailed(ctx, del.ID, d.now(), cause.Error()); err != nil {
		return fmt.Errorf("alert: mark delivery %d failed: %w", del.ID, err)
	}
	return nil
}

func (d *Dispatcher) retry(ctx context.Context, del model.Delivery, now time.Time, cause error) error {
	next, giveUp := d.policy.next(del, now, cause)
	if giveUp != "" {
		return d.fail(ctx, del, fmt.Errorf("%w; %s", cause, giveUp))
	}
	d.deliveries.WithLabelValues(del.Receiver, "retry").Inc()
	d.log.Warn("alert delivery failed, will retry",
		append(d.attrs(del), "error", cause, "next_attempt_at", next)...)
	if err := d.outbox.MarkRetry(ctx, del.ID, next, cause.Error()); err != nil {
		return fmt.Errorf("alert: mark delivery %d for retry: %w", del.ID, err)
	}
	return nil
}

func (d *Dispatcher) attrs(del model.Delivery) []any {
	return []any{"receiver", del.Receiver, "delivery_id", del.ID,
		"case_id", del.CaseID, "attempt", attemptNumber(del)}
}
