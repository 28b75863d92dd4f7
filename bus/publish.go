package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/yuqing/yuqing/model"
)

// ErrNoMsgID is returned when an item or tagged item has no id: without it
// JetStream cannot drop publisher retries and the store cannot key it.
var ErrNoMsgID = errors.New("message id is empty")

// PublishItem stores it on the ITEMS stream under <ns>.items.<source>, with
// it.ID as the message id so a retried publish is dropped as a duplicate.
func (b *Bus) PublishItem(ctx context.Context, it model.Item) error {
	if it.ID == "" {
		return fmt.Errorf("bus: publish item from %q: %w", it.SourceID, ErrNoMsgID)
	}
	return b.publish(ctx, KindItems, it.SourceID, it.ID, it)
}

// PublishTagged stores t on the TAGGED stream under <ns>.tagged.<source>,
// with t.Item.ID as the message id.
func (b *Bus) PublishTagged(ctx context.Context, t model.TaggedItem) error {
	if t.Item.ID == "" {
		return fmt.Errorf("bus: publish tagged item from %q: %w", t.Item.SourceID, ErrNoMsgID)
	}
	return b.publish(ctx, KindTagged, t.Item.SourceID, t.Item.ID, t)
}

// PublishEvent stores v as JSON on the EVENTS stream under
// <ns>.events.<kind>. An empty msgID publishes without duplicate detection.
func (b *Bus) PublishEvent(ctx context.Context, kind, msgID string, v any) error {
	return b.publish(ctx, KindEvents, kind, msgID, v)
}

// PublishAlert stores v as JSON on the ALERTS stream under
// <ns>.alerts.<department>. An empty msgID publishes without duplicate
// detection.
func (b *Bus) PublishAlert(ctx context.Context, department, msgID string, v any) error {
	return b.publish(ctx, KindAlerts, department, msgID, v)
}

// publish is a synchronous publish: it returns once the stream stored the
// message (or recognised its id as a duplicate), so the caller may treat a nil
// error as durable.
func (b *Bus) publish(ctx context.Context, kind, token, msgID string, v any) error {
	if err := ValidateToken(token); err != nil {
		return fmt.Errorf("bus: publish %s: %w", kind, err)
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("bus: encode %s message %q: %w", kind, msgID, err)
	}
	subj := b.Subject(kind, token)
	var opts []jetstream.PublishOpt
	if msgID != "" {
		opts = append(opts, jetstream.WithMsgID(msgID))
	}
	ack, err := b.js.Publish(ctx, subj, data, opts...)
	if err != nil {
		b.metrics.publishErrors.WithLabelValues(kind).Inc()
		return fmt.Errorf("bus: publish %q to %s: %w", msgID, subj, err)
	}
	b.metrics.published.WithLabelValues(kind).Inc()
	if ack.Duplicate {
		b.log.Debug("duplicate publish dropped", "subject", subj, "msg_id", msgID, "stream_seq", ack.Sequence)
	}
	return nil
}
