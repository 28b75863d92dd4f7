package analyze

import (
	"context"
	"time"

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

// StoryStore keeps stories. AssignStory puts an article into the story of
// the earliest candidate that match accepts — candidates are the members
// that share an index band with it and whose story had an article at or
// after since — or into a new story. It is idempotent: an article already
// assigned gets its story back and counts nothing twice.
type StoryStore interface {
	AssignStory(ctx context.Context, m model.StoryMember, since time.Time, match func(signature []byte) bool) (model.StorySpread, error)
}

// EventPublisher publishes events (in production: the EVENTS stream, where
// msgID drops a repeated publish).
type EventPublisher interface {
	PublishEvent(ctx context.Context, kind, msgID string, v any) error
}

// SurgeStore counts articles for spike detection and remembers the spikes
// already announced.
type SurgeStore interface {
	// TopicCounts returns, per topic, the number of tagged articles in each
	// bucket of the given size from from to to (the last bucket may be
	// partial).
	TopicCounts(ctx context.Context, from, to time.Time, bucket time.Duration) (map[string][]int, error)
	// StoryCounts does the same per story, for the stories with an article
	// at or after activeSince.
	StoryCounts(ctx context.Context, from, to time.Time, bucket time.Duration, activeSince time.Time) (map[string][]int, error)
	// StoryTitle returns the title of a story's first article.
	StoryTitle(ctx context.Context, storyID string) (string, error)
	// SurgeSeen reports whether a surge id was recorded; MarkSurge records
	// it.
	SurgeSeen(ctx context.Context, id string) (bool, error)
	MarkSurge(ctx context.Context, s model.Surge) error
}
