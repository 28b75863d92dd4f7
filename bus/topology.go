package bus

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/yuqing/yuqing/config"
)

// consumerMaxAckPending bounds the messages delivered but not yet acked
// across every process that shares a durable consumer. Each process bounds
// its own share by its pull batches (two per worker, see Consumer), so this
// only has to exceed the sum of those; JetStream's own default is 1000.
const consumerMaxAckPending = 1024

// durable describes one durable pull consumer and the stream it reads.
type durable struct {
	name string
	kind string
}

var durables = [...]durable{
	{ConsumerAnalyze, KindItems},
	{ConsumerAlert, KindTagged},
}

func streamConfig(c config.NATS, kind string) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        streamName(c.Namespace, kind),
		Description: "yuqing " + kind + " (namespace " + c.Namespace + ")",
		Subjects:    []string{c.Namespace + "." + kind + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      c.MaxAge.D(),
		Duplicates:  c.DuplicateWindow.D(),
		Replicas:    c.Replicas,
		MaxMsgs:     -1,
		MaxBytes:    -1,
	}
}

func consumerConfig(c config.NATS, d durable) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       d.name,
		Description:   "yuqing " + d.name + " stage",
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       c.AckWait.D(),
		MaxDeliver:    c.MaxDeliver,
		MaxAckPending: consumerMaxAckPending,
		// Replicas 0 inherits the stream's replicas.
	}
}

// ensureTopology creates or updates the streams and durable consumers. It is
// idempotent, and it never touches a stream that carries other subjects: two
// namespaces that map to the same stream name (say "a-b" and "a_b") would
// otherwise silently take each other's stream over.
func ensureTopology(ctx context.Context, js jetstream.JetStream, c config.NATS) (map[string]jetstream.Consumer, error) {
	for _, kind := range kinds {
		want := streamConfig(c, kind)
		if err := checkStreamOwner(ctx, js, want); err != nil {
			return nil, err
		}
		if _, err := js.CreateOrUpdateStream(ctx, want); err != nil {
			return nil, fmt.Errorf("bus: create or update stream %s: %w", want.Name, err)
		}
	}
	consumers := make(map[string]jetstream.Consumer, len(durables))
	for _, d := range durables {
		stream := streamName(c.Namespace, d.kind)
		cons, err := js.CreateOrUpdateConsumer(ctx, stream, consumerConfig(c, d))
		if err != nil {
			return nil, fmt.Errorf("bus: create or update consumer %s on %s: %w", d.name, stream, err)
		}
		consumers[d.name] = cons
	}
	return consumers, nil
}

func checkStreamOwner(ctx context.Context, js jetstream.JetStream, want jetstream.StreamConfig) error {
	s, err := js.Stream(ctx, want.Name)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("bus: look up stream %s: %w", want.Name, err)
	}
	have := s.CachedInfo().Config.Subjects
	if !slices.Equal(have, want.Subjects) {
		return fmt.Errorf("bus: stream %s already exists with subjects %v, not %v: choose another namespace",
			want.Name, have, want.Subjects)
	}
	return nil
}
