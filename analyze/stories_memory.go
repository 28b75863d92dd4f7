package analyze

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/yuqing/yuqing/model"
)

// MemoryStories is a StoryStore in memory, for `yuqing tag` (reprints
// among the input lines share a story) and tests. It keeps everything it is
// given; it is safe for concurrent use.
type MemoryStories struct {
	mu      sync.Mutex
	members map[string]memoryMember // item id → member
	order   []string                // item ids in assignment order
	stories map[string]*memoryStory
}

type memoryMember struct {
	model.StoryMember
	story string
}

type memoryStory struct {
	first, last time.Time
	articles    int
	sources     map[string]bool
}

// NewMemoryStories returns an empty story index.
func NewMemoryStories() *MemoryStories {
	return &MemoryStories{members: map[string]memoryMember{}, stories: map[string]*memoryStory{}}
}

// AssignStory implements StoryStore.
func (m *MemoryStories) AssignStory(_ context.Context, mb model.StoryMember, since time.Time, match func([]byte) bool) (model.StorySpread, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.members[mb.ItemID]; ok {
		return m.spread(old.story, false), nil
	}
	story := ""
	for _, id := range m.order {
		c := m.members[id]
		st := m.stories[c.story]
		if st.last.Before(since) || len(c.Signature) == 0 || !sharesBand(c.Bands, mb.Bands) {
			continue
		}
		if match(c.Signature) {
			story = c.story
			break
		}
	}
	isNew := story == ""
	if isNew {
		story = model.NewStoryID(mb.ItemID)
		m.stories[story] = &memoryStory{first: mb.At, last: mb.At, sources: map[string]bool{}}
	}
	st := m.stories[story]
	st.articles++
	st.sources[mb.SourceID] = true
	if mb.At.Before(st.first) {
		st.first = mb.At
	}
	if mb.At.After(st.last) {
		st.last = mb.At
	}
	m.members[mb.ItemID] = memoryMember{StoryMember: mb, story: story}
	m.order = append(m.order, mb.ItemID)
	return m.spread(story, isNew), nil
}

func (m *MemoryStories) spread(story string, isNew bool) model.StorySpread {
	st := m.stories[story]
	return model.StorySpread{StoryID: story, Articles: st.articles, Sources: len(st.sources), FirstSeen: st.first, New: isNew}
}

func sharesBand(a, b []int64) bool {
	for i := range min(len(a), len(b)) {
		if a[i] == b[i] {
			return true
		}
	}
	return false
}

// Members returns the item ids of a story in assignment order.
func (m *MemoryStories) Members(story string) []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, id := range m.order {
		if m.members[id].story == story {
			out = append(out, id)
		}
	}
	return slices.Clip(out)
}
