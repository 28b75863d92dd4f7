// Package natspub delivers alerts onto the bus: one subject per department
// (with package bus: <namespace>.alerts.<department>, on the ALERTS
// stream), for systems that consume alerts from NATS rather than HTTP.
//
// The message is the webhook's JSON payload ({"version":"1",
// "kind":"yuqing.alert","alert":{…},"sent_at":…}) and its Nats-Msg-Id is
// "delivery-<id>", so a retried delivery within the stream's duplicate
// window is stored once.
package natspub

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/model"
)

// Publisher stores a message for a department; *bus.Bus implements it.
// A nil error means the message is stored.
type Publisher interface {
	PublishAlert(ctx context.Context, department, msgID string, v any) error
}

// DefaultTimeout bounds one publish.
const DefaultTimeout = 10 * time.Second

// Notifier publishes alerts. It implements alert.Notifier.
type Notifier struct {
	name string
	pub  Publisher
	now  func() time.Time
}

// New returns the receiver called name publishing through pub. A nil pub
// is accepted so that a configuration can be checked without a bus; such
// a receiver fails every alert for good, saying so.
func New(name string, pub Publisher, now func() time.Time) (*Notifier, error) {
	if now == nil {
		now = time.Now
	}
	return &Notifier{name: name, pub: pub, now: now}, nil
}

// Notify publishes a on its department's subject. Every failure is
// retried: the bus comes back, and a department code that is not a valid
// subject token is rejected by the configuration long before.
func (n *Notifier) Notify(ctx context.Context, a model.Alert) (bool, error) {
	if n.pub == nil {
		return false, n.errorf("no publisher: the application did not pass the bus to notify.Build")
	}
	if a.Department == "" {
		return false, n.errorf("alert of case %d names no department", a.CaseID)
	}
	msgID := ""
	if id, ok := alert.DeliveryID(ctx); ok {
		msgID = "delivery-" + strconv.FormatInt(id, 10)
	}
	ctx, cancel := context.WithTimeout(ctx, DefaultTimeout)
	defer cancel()
	p := webhook.Payload{Version: webhook.PayloadVersion, Kind: webhook.PayloadKind, Alert: a, SentAt: n.now().UTC()}
	if err := n.pub.PublishAlert(ctx, a.Department, msgID, p); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return true, n.errorf("not stored within %s", DefaultTimeout)
		}
		return true, n.errorf("%w", err)
	}
	return false, nil
}

func (n *Notifier) errorf(format string, args ...any) error {
	return fmt.Errorf("natspub: publish to %s: %w", n.name, fmt.Errorf(format, args...))
}
