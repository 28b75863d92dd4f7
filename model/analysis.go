package model

// TopicMatch is one hot-topic area found in an item, with the words that made
// the match so that every tag can be explained.
type TopicMatch struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Score float64  `json:"score"`
	Terms []string `json:"terms"`
}

// Sentiment labels.
const (
	SentimentNegative = "negative"
	SentimentNeutral  = "neutral"
	SentimentPositive = "positive"
)

// Analysis is what the analyzer found in one item. Zero values mean "not
// determined": an analyzer that does not compute a field leaves it empty.
type Analysis struct {
	Topics      []TopicMatch `json:"topics"`
	Regions     []string     `json:"regions,omitempty"`
	Negativity  float64      `json:"negativity"`
	Sentiment   string       `json:"sentiment,omitempty"`
	Severity    Severity     `json:"severity,omitzero"`
	StoryID     string       `json:"story_id,omitempty"`
	Departments []string     `json:"departments,omitempty"`
	// Reasons explains the negativity, severity and story decisions in
	// readable form, for --explain and for case pages.
	Reasons []string `json:"reasons,omitempty"`
}

// TopicIDs returns the ids of the matched topics in order.
func (a Analysis) TopicIDs() []string {
	ids := make([]string, len(a.Topics))
	for i, t := range a.Topics {
		ids[i] = t.ID
	}
	return ids
}

// TaggedItem is an item with its analysis. It is the message on the TAGGED
// stream.
type TaggedItem struct {
	Item     Item     `json:"item"`
	Analysis Analysis `json:"analysis"`
}
