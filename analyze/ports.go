package analyze

import (
	"context"

	"github.com/yuqing/yuqing/model"
)

// Store keeps analyzed items. SaveTagged is idempotent: saving an item that
// is already stored changes nothing and reports inserted=false.
type Store interface {
	SaveTagged(ctx context.Context, t model.TaggedItem) (inserted bool, err error)
}

// Publisher hands analyzed items on (in production: the TAGGED stream, with
// Nats-Msg-Id = item id).
type Publisher interface {
	PublishTagged(ctx context.Context, t model.TaggedItem) error
}
