package alert

import (
	"slices"
	"time"

	"github.com/yuqing/yuqing/model"
)

// Silences. A silence mutes the (item, topic) pairs it matches: a topic of
// an item is muted when a silence active at the time names the item's
// story (or none), the topic (or none) and the item's source (or none).
// Muted topics are not routed. An item whose topics are all muted opens no
// case and sends nothing; it still grows its story's existing cases, so the
// ledger's counts stay true. A case is muted when every one of its topics
// is muted for its story and all of its sources; the clock then sends
// nothing about it (its reminder points pass without a message).

// activeSilences keeps the silences in force at now.
func activeSilences(all []model.Silence, now time.Time) []model.Silence {
	var out []model.Silence
	for _, s := range all {
		if s.ActiveAt(now) {
			out = append(out, s)
		}
	}
	return out
}

// mutedTopics returns the topics of t that a silence mutes.
func mutedTopics(t model.TaggedItem, silences []model.Silence) []string {
	var muted []string
	for _, topic := range t.Analysis.TopicIDs() {
		if slices.ContainsFunc(silences, func(s model.Silence) bool {
			return s.Mutes(t.Analysis.StoryID, topic, t.Item.SourceID)
		}) && !slices.Contains(muted, topic) {
			muted = append(muted, topic)
		}
	}
	return muted
}

// caseMuted reports whether silences mute every topic of the case.
func caseMuted(c model.Case, silences []model.Silence) bool {
	if len(silences) == 0 || len(c.Topics) == 0 {
		return false
	}
	for _, topic := range c.Topics {
		if !slices.ContainsFunc(silences, func(s model.Silence) bool { return mutesCase(s, c, topic) }) {
			return false
		}
	}
	return true
}

func mutesCase(s model.Silence, c model.Case, topic string) bool {
	if s.StoryID != "" && s.StoryID != c.StoryID || s.Topic != "" && s.Topic != topic {
		return false
	}
	if s.Source == "" {
		return true
	}
	return len(c.Sources) > 0 && !slices.ContainsFunc(c.Sources, func(src string) bool { return src != s.Source })
}
