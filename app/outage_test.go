package app

import (
	"context"
	"fmt"
	"testing"

	"github.com/yuqing/yuqing/store"
)

// TestWebhookOutage takes a department's webhook down before its alert is
// due, restarts the daemon during the outage, and brings the webhook back:
// the alert must arrive exactly once, with nothing lost.
func TestWebhookOutage(t *testing.T) {
	ctx := context.Background()
	feeds := feedServer(t)
	housing := newHook(t, "housing-secret")
	housing.setDown(true)
	hooks := map[string]*hook{"housing": housing}
	cfg := testConfig(t, t.TempDir(), feeds.URL, hooks)

	a, stop := startApp(t, cfg)
	eventually(t, "a delivery to the housing hook failed", func() (bool, string) {
		_, attempts, _ := housing.received()
		if attempts == 0 {
			return false, "no attempt yet"
		}
		ds, err := a.store.Deliveries(ctx, store.DeliveryFilter{State: store.DeliveryPending})
		if err != nil {
			return false, err.Error()
		}
		for _, d := range ds {
			if d.Receiver == "housing_hook" && d.LastError != "" {
				return true, ""
			}
		}
		return false, fmt.Sprintf("%d pending deliveries, none with an error for housing_hook", len(ds))
	})
	stop()

	a2, _ := startApp(t, cfg)
	housing.setDown(false)
	eventually(t, "the alert arrives once the hook is back", func() (bool, string) {
		alerts, attempts, _ := housing.received()
		if len(alerts) == 0 {
			return false, fmt.Sprintf("%d attempts, no alert accepted", attempts)
		}
		return settled(ctx, a2)
	})
	alerts, attempts, rejected := housing.received()
	if len(alerts) != 1 || rejected != 0 {
		t.Fatalf("want exactly one accepted alert, got %d (%d attempts, %d rejected)", len(alerts), attempts, rejected)
	}
	if attempts < 2 {
		t.Fatalf("want the outage to have cost at least one failed attempt, got %d attempts", attempts)
	}
	stats, err := a2.store.OutboxStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Failed != 0 || stats.Pending != 0 {
		t.Fatalf("outbox after recovery: %+v", stats)
	}
	// A further drain finds nothing to send again.
	if n, err := a2.dispatcher.DrainOnce(ctx); err != nil || n != 0 {
		t.Fatalf("DrainOnce after recovery: %d sent, err %v", n, err)
	}
	if alerts, _, _ := housing.received(); len(alerts) != 1 {
		t.Fatalf("alert sent again: %d", len(alerts))
	}
}
