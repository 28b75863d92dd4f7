package alert

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/yuqing/yuqing/model"
)

var errOverLimit = errors.New("destination is over its rate limit")

// job is one unit of a batch: a delivery sent alone, deliveries merged into
// one digest, or deliveries put back until their destination frees.
type job struct {
	dels       []model.Delivery
	digest     bool
	deferUntil time.Time
}

// plan splits a claimed batch into jobs. For a receiver that can merge,
// the messages of one group (the routing tree's group_by, aligned by
// group_wait) that fall due together become one digest, except for Ⅰ/Ⅱ
// cases, which always go alone. Jobs to a rate-limited destination are
// sent while its budget lasts; when more are due than it takes, the most
// severe go alone and the rest share the last token as one digest; when it
// takes none, they wait for the next token without spending an attempt.
// The notifier books its sends itself, so a plan that raced another sender
// only costs a deferral.
func (d *Dispatcher) plan(batch []model.Delivery, now time.Time) []job {
	var order []string
	byReceiver := map[string][]model.Delivery{}
	for _, del := range batch {
		if _, seen := byReceiver[del.Receiver]; !seen {
			order = append(order, del.Receiver)
		}
		byReceiver[del.Receiver] = append(byReceiver[del.Receiver], del)
	}
	var jobs []job
	for _, name := range order {
		jobs = append(jobs, d.planReceiver(d.notifiers[name], byReceiver[name], now)...)
	}
	return jobs
}

func (d *Dispatcher) planReceiver(n Notifier, dels []model.Delivery, now time.Time) []job {
	_, merges := n.(Digester)
	jobs := alone(dels)
	if merges {
		jobs = byGroup(dels)
	}
	limited, ok := n.(RateLimited)
	if !ok {
		return jobs
	}
	budget, next := limited.Budget(now)
	if budget <= 0 {
		return []job{{dels: dels, deferUntil: next}}
	}
	if !merges || len(jobs) <= budget {
		return jobs
	}
	jobs = slices.Clone(jobs)
	slices.SortStableFunc(jobs, func(a, b job) int {
		return cmp.Compare(jobRank(a), jobRank(b))
	})
	var rest []model.Delivery
	for _, j := range jobs[budget-1:] {
		rest = append(rest, j.dels...)
	}
	return append(jobs[:budget-1], job{dels: rest, digest: true})
}

// byGroup makes one digest job of the deliveries that share a group key,
// and a job of its own of every other delivery, in the order first seen.
// Ⅰ/Ⅱ cases are never merged: each must stand out on its own.
func byGroup(dels []model.Delivery) []job {
	var jobs []job
	index := map[string]int{}
	for _, del := range dels {
		key, sev := groupOf(del)
		if i, ok := index[key]; ok && key != "" && !sev.AtLeast(model.SeverityII) {
			jobs[i].dels = append(jobs[i].dels, del)
			jobs[i].digest = true
			continue
		}
		if key != "" && !sev.AtLeast(model.SeverityII) {
			index[key] = len(jobs)
		}
		jobs = append(jobs, job{dels: []model.Delivery{del}})
	}
	return jobs
}

// jobRank orders jobs most severe first by their most severe delivery.
func jobRank(j job) int {
	best := severityRank(j.dels[0])
	for _, del := range j.dels[1:] {
		best = min(best, severityRank(del))
	}
	return best
}

func alone(dels []model.Delivery) []job {
	jobs := make([]job, len(dels))
	for i, del := range dels {
		jobs[i] = job{dels: []model.Delivery{del}}
	}
	return jobs
}

// severityRank orders deliveries most severe first; unassessed and
// undecodable ones come last.
func severityRank(del model.Delivery) int {
	if _, sev := groupOf(del); sev != model.SeverityNone {
		return int(sev)
	}
	return int(model.SeverityIV) + 1
}

// groupOf reads the group key and severity of a queued alert; an
// undecodable payload has neither (it fails when sent).
func groupOf(del model.Delivery) (string, model.Severity) {
	var p struct {
		GroupKey string `json:"group_key"`
		Analysis struct {
			Severity model.Severity `json:"severity"`
		} `json:"analysis"`
	}
	if json.Unmarshal(del.Payload, &p) != nil {
		return "", model.SeverityNone
	}
	return p.GroupKey, p.Analysis.Severity
}

// processDigest sends the deliveries of one receiver as one digest and
// records the outcome for all of them together.
func (d *Dispatcher) processDigest(ctx, sendCtx context.Context, dels []model.Delivery, claimedAt time.Time) (int, error) {
	if ctx.Err() != nil {
		return 0, nil
	}
	if waited := d.now().Sub(claimedAt); waited >= d.lease/2 {
		d.log.Warn("lease running out before the digest started, leaving its deliveries for a later claim",
			"receiver", dels[0].Receiver, "deliveries", len(dels), "waited", waited, "lease", d.lease)
		return 0, nil
	}
	receiver := dels[0].Receiver
	dg := d.notifiers[receiver].(Digester)
	var (
		entries []DigestEntry
		kept    []model.Delivery
		errs    []error
		handled int
	)
	for _, del := range dels {
		a, err := decodeAlert(del)
		if err != nil {
			handled++
			errs = append(errs, d.fail(sendCtx, del, err))
			continue
		}
		entries = append(entries, DigestEntry{DeliveryID: del.ID, Alert: a})
		kept = append(kept, del)
	}
	if len(kept) == 0 {
		return handled, errors.Join(errs...)
	}
	start := d.now()
	retry, err := safeDigest(sendCtx, dg, entries)
	end := d.now()
	d.duration.WithLabelValues(receiver).Observe(end.Sub(start).Seconds())
	if de, ok := errors.AsType[*DeferError](err); ok {
		return handled, errors.Join(append(errs, d.deferAll(sendCtx, kept, de.Until, de))...)
	}
	handled += len(kept)
	switch {
	case err == nil:
		errs = append(errs, d.digestDelivered(sendCtx, kept, end))
	case !retry:
		for _, del := range kept {
			errs = append(errs, d.fail(sendCtx, del, fmt.Errorf("digest of %d alerts: %w", len(kept), err)))
		}
	default:
		for _, del := range kept {
			errs = append(errs, d.retry(sendCtx, del, end, fmt.Errorf("digest of %d alerts: %w", len(kept), err)))
		}
	}
	return handled, errors.Join(errs...)
}

func safeDigest(ctx context.Context, dg Digester, entries []DigestEntry) (retry bool, err error) {
	defer func() {
		if p := recover(); p != nil {
			retry, err = false, fmt.Errorf("receiver panicked: %v", p)
		}
	}()
	return dg.NotifyDigest(ctx, entries)
}

func (d *Dispatcher) digestDelivered(ctx context.Context, dels []model.Delivery, at time.Time) error {
	ids := deliveryIDs(dels)
	d.deliveries.WithLabelValues(dels[0].Receiver, "delivered").Add(float64(len(dels)))
	d.digests.WithLabelValues(dels[0].Receiver).Inc()
	if err := d.outbox.MarkDigestDelivered(ctx, ids, at); err != nil {
		return fmt.Errorf("alert: mark digest of deliveries %v delivered: %w", ids, err)
	}
	d.log.Info("alerts delivered as one digest", "receiver", dels[0].Receiver, "deliveries", len(dels), "delivery_ids", ids)
	return nil
}

// deferAll puts deliveries back until their destination takes messages
// again. One whose give-up time comes first is failed instead: a
// destination that stays throttled that long has in effect refused it.
func (d *Dispatcher) deferAll(ctx context.Context, dels []model.Delivery, until time.Time, cause error) error {
	var keep []model.Delivery
	var errs []error
	for _, del := range dels {
		if giveUp := del.CreatedAt.Add(d.policy.giveUpAfter); until.After(giveUp) {
			errs = append(errs, d.fail(ctx, del, fmt.Errorf("%w; gave up: it takes nothing before %s, past the give-up time",
				cause, until.UTC().Format(time.RFC3339))))
			continue
		}
		keep = append(keep, del)
	}
	if len(keep) == 0 {
		return errors.Join(errs...)
	}
	d.deliveries.WithLabelValues(keep[0].Receiver, "deferred").Add(float64(len(keep)))
	if err := d.outbox.DeferDeliveries(ctx, deliveryIDs(keep), until); err != nil {
		errs = append(errs, fmt.Errorf("alert: defer deliveries %v: %w", deliveryIDs(keep), err))
	}
	d.log.Debug("alerts wait for their destination's rate limit", "receiver", keep[0].Receiver,
		"deliveries", len(keep), "until", until, "reason", cause)
	return errors.Join(errs...)
}

func deliveryIDs(dels []model.Delivery) []int64 {
	ids := make([]int64, len(dels))
	for i, del := range dels {
		ids[i] = del.ID
	}
	return ids
}
