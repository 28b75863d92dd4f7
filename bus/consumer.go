package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/yuqing/yuqing/model"
)

// batchPerWorker sizes each pull request: a worker finds its next message
// already fetched, while Stop (which handles what was fetched) stays short
// and other processes sharing the durable get their share.
const batchPerWorker = 2

// fetchWait bounds one pull request. A request that the server lost (leader
// change, restart) therefore costs at most this long.
const fetchWait = 5 * time.Second

// Retry waits after a failed pull request (server unreachable, consumer
// deleted): doubling from the first to the last.
const (
	firstRetryWait = 500 * time.Millisecond
	maxRetryWait   = 30 * time.Second
)

// Consumer runs handlers for one durable consumer. Stop it, or cancel the
// context given to ConsumeItems / ConsumeTagged.
//
// It pulls with one-shot requests (Fetch) instead of the Messages iterator.
// The iterator of nats.go v1.55 does not send a new pull request while the
// previous one is still being sent (fetchInProgress); when the last buffered
// message is taken inside that window, no request follows and the iterator
// idles until its heartbeat check fires (30 s by default). With several
// workers the benchmark hit this about once per 20,000 messages. A Fetch has
// no such bookkeeping: it ends after its batch or fetchWait.
//
// Like every JetStream pull client, a pull request can outlive Stop by the
// moment the client's unsubscribe takes to reach the server; a message
// offered to it in that moment is redelivered after AckWait, not lost.
type Consumer struct {
	b       *Bus
	durable durable
	workers int
	handle  func(context.Context, []byte) error
	ctx     context.Context // handlers' context: Stop does not cancel it
	log     *slog.Logger

	stopCtx  context.Context // cancelled by Stop: ends the pull request
	stopPull context.CancelFunc
	done     chan struct{}

	mu   sync.Mutex
	cons jetstream.Consumer // replaced when the durable is recreated
}

// ConsumeItems runs h on the items of the ITEMS stream with workers
// concurrent handlers, as the durable consumer "analyze".
func (b *Bus) ConsumeItems(ctx context.Context, workers int, h func(context.Context, model.Item) error) (*Consumer, error) {
	return b.consume(ctx, durables[0], workers, decodeThen(h, func(it model.Item) string { return it.ID }))
}

// ConsumeTagged runs h on the tagged items of the TAGGED stream with workers
// concurrent handlers, as the durable consumer "alert".
func (b *Bus) ConsumeTagged(ctx context.Context, workers int, h func(context.Context, model.TaggedItem) error) (*Consumer, error) {
	return b.consume(ctx, durables[1], workers, decodeThen(h, func(t model.TaggedItem) string { return t.Item.ID }))
}

// decodeThen turns a typed handler into one on raw messages. A message that
// does not decode, or decodes to an item without id, is permanent garbage.
func decodeThen[T any](h func(context.Context, T) error, id func(T) string) func(context.Context, []byte) error {
	return func(ctx context.Context, data []byte) error {
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return model.Permanent(fmt.Errorf("decode message: %w", err))
		}
		if id(v) == "" {
			return model.Permanent(errors.New("decode message: item id is empty"))
		}
		return h(ctx, v)
	}
}

func (b *Bus) consume(ctx context.Context, d durable, workers int, handle func(context.Context, []byte) error) (*Consumer, error) {
	if workers < 1 {
		return nil, fmt.Errorf("bus: consume %s: workers is %d, want at least 1", d.name, workers)
	}
	if b.nc.IsClosed() {
		return nil, fmt.Errorf("bus: consume %s: %w", d.name, ErrClosed)
	}
	c := &Consumer{
		b: b, durable: d, cons: b.consumers[d.name], workers: workers, handle: handle, ctx: ctx,
		log: b.log.With("consumer", d.name), done: make(chan struct{}),
	}
	c.stopCtx, c.stopPull = context.WithCancel(context.WithoutCancel(ctx))
	b.track(c)
	unwatch := context.AfterFunc(ctx, c.stopPull)
	go func() {
		defer unwatch()
		defer close(c.done)
		defer b.untrack(c)
		c.serve()
	}()
	return c, nil
}

// Stop stops fetching, lets the handlers finish the messages already
// fetched (at most two per worker), settles them, and returns. Handlers keep
// their context; cancel the one given to ConsumeItems to make them hurry.
// Stop is safe to call more than once.
func (c *Consumer) Stop() {
	c.stopPull()
	<-c.done
}

// Done is closed when the consumer has ended, by Stop or by the
// cancellation of its context, and its handlers have returned.
func (c *Consumer) Done() <-chan struct{} { return c.done }

// serve feeds fetched messages to the workers over an unbuffered channel, so
// a message waits in the fetched batch, not in a queue nobody drains.
func (c *Consumer) serve() {
	jobs := make(chan jetstream.Msg)
	var wg sync.WaitGroup
	for range c.workers {
		wg.Go(func() {
			for msg := range jobs {
				c.process(msg)
			}
		})
	}
	c.pullLoop(jobs)
	close(jobs)
	wg.Wait()
}

func (c *Consumer) pullLoop(jobs chan<- jetstream.Msg) {
	wait := firstRetryWait
	for c.stopCtx.Err() == nil {
		err := c.pullOnce(jobs)
		if err == nil {
			wait = firstRetryWait
			continue
		}
		if c.stopCtx.Err() != nil || c.b.nc.IsClosed() {
			return
		}
		c.log.Warn("pull request failed", "err", err, "retry_in", wait)
		select {
		case <-c.stopCtx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, maxRetryWait)
		c.recreateIfMissing()
	}
}

// pullOnce sends one pull request and hands every message it brings to a
// worker, including those that arrived before Stop ended the request.
func (c *Consumer) pullOnce(jobs chan<- jetstream.Msg) error {
	ctx, cancel := context.WithTimeout(c.stopCtx, fetchWait)
	defer cancel()
	batch, err := c.consumer().Fetch(c.workers*batchPerWorker, jetstream.FetchContext(ctx))
	if err != nil {
		return err
	}
	for msg := range batch.Messages() {
		jobs <- msg
	}
	err = batch.Error()
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// recreateIfMissing brings back a durable that was deleted under us, as Open
// would on the next start (DeliverAll: the store dedupes what comes again).
// A failed pull does not say clearly why (a deleted consumer may show as "no
// responders"), so ask the server.
func (c *Consumer) recreateIfMissing() {
	ctx, cancel := context.WithTimeout(c.stopCtx, 10*time.Second)
	defer cancel()
	stream := streamName(c.b.cfg.Namespace, c.durable.kind)
	_, err := c.b.js.Consumer(ctx, stream, c.durable.name)
	if !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return
	}
	cons, err := c.b.js.CreateOrUpdateConsumer(ctx, stream, consumerConfig(c.b.cfg, c.durable))
	if err != nil {
		c.log.Error("recreate consumer failed", "err", err)
		return
	}
	c.log.Warn("consumer was missing and has been recreated", "stream", stream)
	c.mu.Lock()
	c.cons = cons
	c.mu.Unlock()
}

func (c *Consumer) consumer() jetstream.Consumer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cons
}
