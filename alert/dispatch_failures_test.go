package alert_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/model"
)

func TestDispatchUndeliverable(t *testing.T) {
	f := newDispatchFixture(t, shortRetry, always(ok200))
	unknown := f.outbox.add(1, "wecom_housing", alertPayload(t, 1), f.clock.Now())
	garbled := f.outbox.add(2, "hook", []byte(`{"case_id":`), f.clock.Now())
	if n := f.drain(t); n != 2 {
		t.Fatalf("DrainOnce = %d, want 2", n)
	}
	for id, want := range map[int64]string{unknown: `receiver "wecom_housing" is not configured`, garbled: "payload is not an alert"} {
		if row := f.outbox.row(id); row.State != stateFailed || !strings.Contains(row.LastError, want) {
			t.Errorf("row %d = %+v, want failed with %q", id, row, want)
		}
	}
	if len(f.sink.requests()) != 0 {
		t.Error("an undeliverable alert reached the receiver")
	}
}

type panickingNotifier struct{}

func (panickingNotifier) Notify(context.Context, model.Alert) (bool, error) {
	panic("nil map in receiver")
}

type brokenOutbox struct{ *memOutbox }

func (brokenOutbox) ClaimDeliveries(context.Context, time.Time, time.Duration, int) ([]model.Delivery, error) {
	return nil, errors.New("database is locked")
}

func TestDispatchSurvivesBrokenParts(t *testing.T) {
	outbox := newMemOutbox()
	d, err := alert.NewDispatcher(alert.DispatchOptions{Outbox: outbox, Notifiers: map[string]alert.Notifier{"p": panickingNotifier{}}})
	if err != nil {
		t.Fatal(err)
	}
	id := outbox.add(1, "p", alertPayload(t, 1), time.Now())
	if _, err := d.DrainOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if row := outbox.row(id); row.State != stateFailed || !strings.Contains(row.LastError, "receiver panicked: nil map in receiver") {
		t.Errorf("row = %+v, want failed by the panic", row)
	}

	d, err = alert.NewDispatcher(alert.DispatchOptions{Outbox: brokenOutbox{outbox}, Notifiers: map[string]alert.Notifier{"p": panickingNotifier{}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.DrainOnce(context.Background()); err == nil || err.Error() != "alert: claim deliveries: database is locked" {
		t.Errorf("DrainOnce error = %v, want the claim error wrapped", err)
	}
}

func TestRetryAfterErrorUnwraps(t *testing.T) {
	cause := errors.New("429 Too Many Requests")
	err := error(&alert.RetryAfterError{After: 30 * time.Second, Err: cause})
	if !errors.Is(err, cause) || err.Error() != "429 Too Many Requests (retry after 30s)" {
		t.Errorf("RetryAfterError = %q, Is(cause) = %v", err, errors.Is(err, cause))
	}
}
