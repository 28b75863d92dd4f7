package ingest

import (
	"context"

	"github.com/yuqing/yuqing/model"
)

// Publisher hands new items to the pipeline (in production: the ITEMS
// stream, with Nats-Msg-Id = item id).
type Publisher interface {
	PublishItem(ctx context.Context, it model.Item) error
}

// StateStore keeps the health of each source and tells which items are
// already known, so a re-poll does not publish them again.
type StateStore interface {
	// SourceHealth returns model.ErrNotFound for a source never polled.
	SourceHealth(ctx context.Context, sourceID string) (model.SourceHealth, error)
	SaveSourceHealth(ctx context.Context, h model.SourceHealth) error
	// KnownItems returns the subset of ids already stored.
	KnownItems(ctx context.Context, ids []string) (map[string]bool, error)
}
