package natspub_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/natspub"
	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/bus"
	"github.com/yuqing/yuqing/bus/bustest"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
)

var t0 = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// TestPublishesPerDepartment publishes through a real embedded JetStream
// and reads the ALERTS stream back: one subject per department, the
// delivery id as message id so a retry is stored once.
func TestPublishesPerDepartment(t *testing.T) {
	b := bustest.Open(t, config.NATS{})
	n, err := natspub.New("bus", b, func() time.Time { return t0 })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	alerts := []model.Alert{
		{CaseID: 1, Department: "housing", Item: model.Item{ID: "a/1", Title: "通城县某楼盘停工"}},
		{CaseID: 2, Department: "ecology", Item: model.Item{ID: "b/2", Title: "嘉鱼县河水变色"}},
	}
	for i, a := range alerts {
		if retry, err := n.Notify(alert.WithDeliveryID(ctx, int64(100+i)), a); err != nil {
			t.Fatalf("Notify = %v, %v", retry, err)
		}
	}
	// The same delivery again (a retry after a lost answer).
	if _, err := n.Notify(alert.WithDeliveryID(ctx, 100), alerts[0]); err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(b.Conn())
	if err != nil {
		t.Fatal(err)
	}
	name, err := js.StreamNameBySubject(ctx, b.Subject(bus.KindAlerts, "housing"))
	if err != nil {
		t.Fatal(err)
	}
	stream, err := js.Stream(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(ctx)
	if err != nil || info.State.Msgs != 2 {
		t.Fatalf("ALERTS holds %d messages (%v), want 2", info.State.Msgs, err)
	}
	for i, want := range []string{b.Subject(bus.KindAlerts, "housing"), b.Subject(bus.KindAlerts, "ecology")} {
		msg, err := stream.GetMsg(ctx, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		var p webhook.Payload
		if err := json.Unmarshal(msg.Data, &p); err != nil {
			t.Fatal(err)
		}
		wantID := "delivery-" + strconv.Itoa(100+i)
		if msg.Subject != want || p.Kind != "yuqing.alert" || p.Alert.CaseID != alerts[i].CaseID || msg.Header.Get("Nats-Msg-Id") != wantID {
			t.Errorf("message %d on %s (id %q): %+v; want %s, id %s", i+1, msg.Subject, msg.Header.Get("Nats-Msg-Id"), p, want, wantID)
		}
	}
}

type failing struct{ err error }

func (f failing) PublishAlert(context.Context, string, string, any) error { return f.err }

func TestFailuresAreRetried(t *testing.T) {
	n, err := natspub.New("bus", failing{errors.New("nats: connection closed")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	retry, err := n.Notify(context.Background(), model.Alert{CaseID: 1, Department: "housing"})
	if !retry || err == nil || !strings.Contains(err.Error(), "connection closed") {
		t.Fatalf("Notify = %v, %v", retry, err)
	}
	if retry, err := n.Notify(context.Background(), model.Alert{CaseID: 1}); retry || err == nil {
		t.Fatalf("alert without department: %v, %v; want final", retry, err)
	}
	unwired, err := natspub.New("bus", nil, nil)
	if err != nil {
		t.Fatalf("New without a publisher (check-config): %v", err)
	}
	if retry, err := unwired.Notify(context.Background(), model.Alert{CaseID: 1, Department: "housing"}); retry || err == nil || !strings.Contains(err.Error(), "no publisher") {
		t.Fatalf("unwired Notify = %v, %v; want a final error naming the wiring", retry, err)
	}
}
