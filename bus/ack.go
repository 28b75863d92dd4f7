package bus

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/yuqing/yuqing/model"
)

const (
	firstNakDelay = time.Second
	maxNakDelay   = 5 * time.Minute
	ackTimeout    = 10 * time.Second
)

// DefaultNakDelay is the production redelivery backoff: 1s·2^(delivered-1),
// at most 5 minutes.
func DefaultNakDelay(delivered uint64) time.Duration {
	if delivered < 1 {
		delivered = 1
	}
	if delivered > 20 { // 2^19 s is far beyond the cap; avoid overflow
		return maxNakDelay
	}
	return min(firstNakDelay<<(delivered-1), maxNakDelay)
}

// process runs the handler on one message and settles it. This is where
// "nothing acknowledged is ever lost" is decided: ack only after success,
// and only count it once the server confirmed the ack.
func (c *Consumer) process(msg jetstream.Msg) {
	md, err := msg.Metadata()
	if err != nil {
		// Not a JetStream delivery; a pull consumer never hands us one.
		c.log.Error("message without metadata terminated", "subject", msg.Subject(), "err", err)
		_ = msg.Term()
		c.count(resultTerm)
		return
	}
	if c.ctx.Err() != nil {
		// Fetched just before shutdown: not started, so hand it back with
		// the usual delay (an immediate nak could land in this very batch
		// again and burn deliveries).
		err = fmt.Errorf("not handled, shutting down: %w", c.ctx.Err())
	} else {
		start := time.Now()
		err = c.call(msg.Data())
		c.b.metrics.handleDuration.WithLabelValues(c.durable.name).Observe(time.Since(start).Seconds())
	}
	switch {
	case err == nil:
		c.ack(msg, md)
	case errors.Is(err, model.ErrPermanent):
		c.term(msg, md, "permanent failure", err)
	case md.NumDelivered >= uint64(c.b.cfg.MaxDeliver):
		// The server will not deliver it again anyway: make that visible.
		c.term(msg, md, fmt.Sprintf("given up after %d deliveries", md.NumDelivered), err)
	default:
		c.nak(msg, md, c.b.nakDelay(md.NumDelivered), err)
	}
}

// call runs the handler and turns a panic into a transient error, so that a
// bug hit by one message costs that message's retries, not the process.
func (c *Consumer) call(data []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("handler panicked", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("handler panic: %v", r)
		}
	}()
	return c.handle(c.ctx, data)
}

func (c *Consumer) ack(msg jetstream.Msg, md *jetstream.MsgMetadata) {
	// The handler's effect is stored: confirm the ack even if the
	// handlers' context has just been cancelled.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx), ackTimeout)
	defer cancel()
	if err := msg.DoubleAck(ctx); err != nil {
		c.log.Warn("ack not confirmed; the message will be redelivered after ack_wait",
			msgAttrs(msg, md, "err", err)...)
		c.count(resultAckFailed)
		return
	}
	c.count(resultAck)
}

func (c *Consumer) nak(msg jetstream.Msg, md *jetstream.MsgMetadata, delay time.Duration, cause error) {
	if err := msg.NakWithDelay(delay); err != nil {
		c.log.Warn("nak failed; the message will be redelivered after ack_wait", msgAttrs(msg, md, "err", err)...)
	}
	c.log.Warn("handler failed, message will be redelivered",
		msgAttrs(msg, md, "delay", delay, "reason", cause.Error())...)
	c.count(resultNak)
}

func (c *Consumer) term(msg jetstream.Msg, md *jetstream.MsgMetadata, what string, cause error) {
	if err := msg.TermWithReason(what); err != nil {
		c.log.Warn("term failed", msgAttrs(msg, md, "err", err)...)
	}
	c.log.Error("message terminated: "+what+"; it stays in the stream for inspection",
		msgAttrs(msg, md, "reason", cause.Error())...)
	c.count(resultTerm)
}

func (c *Consumer) count(result string) {
	c.b.metrics.messages.WithLabelValues(c.durable.name, result).Inc()
}

func msgAttrs(msg jetstream.Msg, md *jetstream.MsgMetadata, extra ...any) []any {
	attrs := []any{
		"subject", msg.Subject(),
		"stream_seq", md.Sequence.Stream,
		"msg_id", msg.Headers().Get(jetstream.MsgIDHeader),
		"delivered", md.NumDelivered,
	}
	return append(attrs, extra...)
}
