package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// cleanup is one teardown step, named so a slow or failing step can be
// told apart in the log.
type cleanup struct {
	name string
	fn   func(ctx context.Context) error
}

// cleanups run in reverse order of registration: what started last stops
// first, which puts sources before analysis, analysis before alerting, and
// the store and NATS last.
type cleanups struct {
	steps  []cleanup
	logger *slog.Logger
}

func (c *cleanups) add(name string, fn func(ctx context.Context) error) {
	c.steps = append(c.steps, cleanup{name, fn})
}

// run executes every step even when one fails, each bounded by ctx, and
// returns all errors.
func (c *cleanups) run(ctx context.Context) error {
	var errs []error
	for i := len(c.steps) - 1; i >= 0; i-- {
		s := c.steps[i]
		start := time.Now()
		if err := s.fn(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stop %s: %w", s.name, err))
			c.logger.Error("stop failed", "part", s.name, "err", err)
			continue
		}
		c.logger.Debug("stopped", "part", s.name, "took", time.Since(start).String())
	}
	c.steps = nil
	return errors.Join(errs...)
}
