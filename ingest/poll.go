package ingest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/yuqing/yuqing/model"
)

// outcome is what the work of one poll produced, before health is updated.
type outcome struct {
	notModified bool
	parsed      int
	published   int
	// validators are the new conditional-GET values; they are saved only
	// if the whole poll succeeded.
	validators Validators
	retryAfter time.Duration
}

// PollOnce polls src once: fetch with the stored validators, parse, publish
// the items not known yet (oldest first), and save the source's health.
// The error is the poll's failure, which is also recorded in the health;
// the returned health is what was saved (or failed to be: then the error
// says so too). When ctx ends during the fetch nothing is saved, so the
// poll is simply repeated after a restart; once the body is in, publishing
// and saving get a short grace.
func (s *Scheduler) PollOnce(ctx context.Context, src model.Source) (PollResult, error) {
	if mu := s.busy[src.ID]; mu != nil {
		mu.Lock()
		defer mu.Unlock()
	}
	res := PollResult{SourceID: src.ID}
	h, err := s.state.SourceHealth(ctx, src.ID)
	switch {
	case errors.Is(err, model.ErrNotFound):
		h = model.SourceHealth{}
	case err != nil:
		return res, fmt.Errorf("ingest: poll %s: load health: %w", src.ID, err)
	}
	h.SourceID = src.ID
	started := s.now()

	// Work after the fetch (publishing, saving) may outlive ctx by a short
	// grace, so a body already fetched is not thrown away at shutdown.
	persistCtx, cancel := graceContext(ctx, shutdownGrace)
	defer cancel()
	out, pollErr := s.poll(ctx, persistCtx, src, h)

	finished := s.now()
	res.NotModified, res.Parsed, res.Published = out.notModified, out.parsed, out.published
	if out.published > 0 {
		s.metrics.itemsPublished.WithLabelValues(src.ID).Add(float64(out.published))
	}
	if pollErr != nil && ctx.Err() != nil && isCancellation(pollErr) {
		s.log.Info("poll interrupted by shutdown", "source", src.ID, "published", out.published)
		return res, pollErr
	}

	h.LastAttemptAt = started
	h.ItemsSeen += int64(out.published)
	if pollErr == nil {
		s.recordSuccess(&h, src, out, finished)
	} else {
		s.recordFailure(&h, src, out, pollErr, finished)
	}
	res.Health = h
	if err := s.state.SaveSourceHealth(persistCtx, h); err != nil {
		saveErr := fmt.Errorf("ingest: save health of %s: %w", src.ID, err)
		s.log.Error("cannot save source health", "source", src.ID, "error", err)
		return res, errors.Join(pollErr, saveErr)
	}
	return res, pollErr
}

func (s *Scheduler) recordSuccess(h *model.SourceHealth, src model.Source, out outcome, now time.Time) {
	h.ConsecutiveFailures = 0
	h.LastSuccessAt = now
	h.ETag, h.LastModified = out.validators.ETag, out.validators.LastModified
	h.NextPollAt = now.Add(s.jittered(s.sourceInterval(src)))
	result := resultOK
	if out.notModified {
		result = resultNotModified
	}
	s.metrics.fetches.WithLabelValues(src.ID, result).Inc()
	s.metrics.consecutiveFailures.WithLabelValues(src.ID).Set(0)
	s.log.Debug("polled source", "source", src.ID, "result", result,
		"parsed", out.parsed, "published", out.published, "next_poll_at", h.NextPollAt)
}

// recordFailure keeps the old validators: after a partial publish, a 304
// on the next poll would otherwise hide the items not yet published.
func (s *Scheduler) recordFailure(h *model.SourceHealth, src model.Source, out outcome, err error, now time.Time) {
	h.ConsecutiveFailures++
	h.LastError = err.Error()
	h.LastErrorAt = now
	h.NextPollAt = now.Add(s.failureWait(src, h.ConsecutiveFailures, out.retryAfter))
	s.metrics.fetches.WithLabelValues(src.ID, resultError).Inc()
	s.metrics.consecutiveFailures.WithLabelValues(src.ID).Set(float64(h.ConsecutiveFailures))
	s.log.Warn("poll failed", "source", src.ID, "error", err,
		"consecutive_failures", h.ConsecutiveFailures, "published", out.published, "next_poll_at", h.NextPollAt)
}

// poll fetches with ctx and does everything after the fetch with
// persistCtx.
func (s *Scheduler) poll(ctx, persistCtx context.Context, src model.Source, h model.SourceHealth) (outcome, error) {
	var out outcome
	started := s.now()
	resp, err := s.fetcher.Fetch(ctx, src.URL, Validators{ETag: h.ETag, LastModified: h.LastModified})
	s.metrics.fetchDuration.WithLabelValues(src.ID).Observe(s.now().Sub(started).Seconds())
	if err != nil {
		if se, ok := errors.AsType[*StatusError](err); ok {
			out.retryAfter = se.RetryAfter
		}
		return out, err
	}
	out.validators = Validators{ETag: resp.ETag, LastModified: resp.LastModified}
	if resp.NotModified {
		out.notModified = true
		return out, nil
	}
	items, err := Parse(resp.Body, resp.ContentType, src, s.now())
	if err != nil {
		return out, err
	}
	out.parsed = len(items)
	fresh, err := s.unknownItems(persistCtx, src, items)
	if err != nil {
		return out, err
	}
	for _, it := range fresh {
		if err := s.publisher.PublishItem(persistCtx, it); err != nil {
			return out, fmt.Errorf("ingest: publish item %s: %w", it.ID, err)
		}
		out.published++
	}
	return out, nil
}

// unknownItems returns the items the store does not know, oldest first.
// Feeds list newest first, so undated items keep the reverse feed order.
func (s *Scheduler) unknownItems(ctx context.Context, src model.Source, items []model.Item) ([]model.Item, error) {
	if len(items) == 0 {
		return nil, nil
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	known, err := s.state.KnownItems(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("ingest: look up known items of %s: %w", src.ID, err)
	}
	fresh := make([]model.Item, 0, len(items))
	for i := len(items) - 1; i >= 0; i-- {
		if !known[items[i].ID] {
			fresh = append(fresh, items[i])
		}
	}
	sort.SliceStable(fresh, func(i, j int) bool {
		return fresh[i].EarliestTime().Before(fresh[j].EarliestTime())
	})
	return fresh, nil
}

func isCancellation(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// graceContext returns a context that ignores the cancellation of parent
// for grace, then ends too.
func graceContext(parent context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	stop := context.AfterFunc(parent, func() {
		time.AfterFunc(grace, cancel)
	})
	return ctx, func() {
		stop()
		cancel()
	}
}
