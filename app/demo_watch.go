package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/yuqing/yuqing/demo"
)

// demoProgress is how far the pipeline has got with the samples.
type demoProgress struct {
	items, want     int64
	polled, sources int
	inFlight        uint64
	pendingAlerts   int64
	delivered       int64
}

func (p demoProgress) done() bool {
	return p.items >= p.want && p.polled == p.sources && p.inFlight == 0 && p.pendingAlerts == 0
}

func (p demoProgress) String() string {
	return fmt.Sprintf("%d/%d items stored, %d/%d sources polled, %d messages in flight, %d alerts pending",
		p.items, p.want, p.polled, p.sources, p.inFlight, p.pendingAlerts)
}

func readProgress(ctx context.Context, a *App) (demoProgress, error) {
	p := demoProgress{want: int64(demo.TotalItems())}
	var err error
	if p.items, err = a.store.CountItems(ctx); err != nil {
		return p, err
	}
	sources, err := a.store.ListSources(ctx)
	if err != nil {
		return p, err
	}
	for _, s := range sources {
		if s.Active {
			p.sources++
			if !s.SourceHealth.LastAttemptAt.IsZero() {
				p.polled++
			}
		}
	}
	pending, err := a.bus.Pending(ctx)
	if err != nil {
		return p, err
	}
	for _, n := range pending {
		p.inFlight += n
	}
	stats, err := a.store.OutboxStats(ctx)
	if err != nil {
		return p, err
	}
	p.pendingAlerts, p.delivered = stats.Pending, stats.Delivered
	return p, nil
}

// watchDemo prints alerts as the sink receives them until the samples are
// processed, then prints a summary.
func watchDemo(ctx context.Context, a *App, sink *demo.Sink, o DemoOptions) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(o.Timeout)
	finished := false
	for {
		select {
		case r := <-sink.Alerts():
			fmt.Fprintln(o.Out, demo.Format(r))
		case <-tick.C:
			if finished {
				continue
			}
			p, err := readProgress(ctx, a)
			if err != nil || !p.done() || int64(sink.Count()) < p.delivered {
				continue
			}
			finished = true
			drainAlerts(sink, o.Out)
			if err := printSummary(ctx, a, sink, o.Out); err != nil {
				return err
			}
			if !o.Keep {
				return nil
			}
			fmt.Fprintf(o.Out, "\nstill running (--keep): metrics at http://%s/metrics; Ctrl-C stops.\n", a.HTTPAddr())
		case <-deadline:
			if finished {
				continue
			}
			p, _ := readProgress(ctx, a)
			return fmt.Errorf("demo: samples not processed within %s: %s", o.Timeout, p)
		case <-ctx.Done():
			return nil
		}
	}
}

func drainAlerts(sink *demo.Sink, w io.Writer) {
	for {
		select {
		case r := <-sink.Alerts():
			fmt.Fprintln(w, demo.Format(r))
		default:
			return
		}
	}
}

func printSummary(ctx context.Context, a *App, sink *demo.Sink, w io.Writer) error {
	items, err := a.store.CountItems(ctx)
	if err != nil {
		return err
	}
	sources, err := a.store.ListSources(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\ndone: %d items ingested and analyzed, %d alerts delivered to departments (%d rejected by the sink)\n",
		items, sink.Count(), sink.Rejected())
	fmt.Fprintln(w, "\nsources:")
	for _, s := range sources {
		status := fmt.Sprintf("ok, %d items", s.SourceHealth.ItemsSeen)
		if s.SourceHealth.ConsecutiveFailures > 0 {
			status = "FAILING (" + firstLine(s.SourceHealth.LastError) + "); retried with backoff"
		}
		fmt.Fprintf(w, "  %-14s %s — %s\n", s.ID, s.Name, status)
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
