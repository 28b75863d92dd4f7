package model

import "time"

// Item is one article, post or notice as it arrives from a source. It is the
// message on the ITEMS stream.
type Item struct {
	// ID is the stable identity of the item: feed GUID, else canonical URL,
	// else a hash of title and content, always prefixed by the source id.
	// It is both the store's unique key and the JetStream Nats-Msg-Id.
	ID       string `json:"id"`
	SourceID string `json:"source"`
	GUID     string `json:"guid,omitempty"`
	URL      string `json:"url,omitempty"`
	Title    string `json:"title"`
	// Content is plain text: HTML has been removed by ingest.
	Content string `json:"content,omitempty"`
	Author  string `json:"author,omitempty"`
	// PublishedAt is in UTC; zero when the source gave no date.
	PublishedAt time.Time `json:"published_at,omitzero"`
	FetchedAt   time.Time `json:"fetched_at,omitzero"`
}

// EarliestTime is the earliest known time of the item: published if known,
// else fetched.
func (it Item) EarliestTime() time.Time {
	if !it.PublishedAt.IsZero() && (it.FetchedAt.IsZero() || it.PublishedAt.Before(it.FetchedAt)) {
		return it.PublishedAt
	}
	return it.FetchedAt
}
