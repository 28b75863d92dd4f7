package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/yuqing/yuqing/model"
)

// StoryQuery selects the stories of a period for reports.
type StoryQuery struct {
	// Topic keeps the stories with an article of that topic in the period;
	// empty keeps all.
	Topic string
	// From and To bound the period [From, To) by article time.
	From, To time.Time
	// Limit caps the result (default 10).
	Limit int
}

const defaultStoryLimit = 10

// storyLinkLimit caps the links of a story in summaries.
const storyLinkLimit = 5

// TopStories returns the stories with articles in the period, widest first:
// by distinct sources, then articles (both counted within the period), then
// the earlier story. Topics and regions are those of the story's articles
// in the period, most frequent first; severity is the most severe of them.
func (s *Store) TopStories(ctx context.Context, q StoryQuery) ([]model.StorySummary, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = defaultStoryLimit
	}
	var w whereBuilder
	from, to := w.arg(ms(q.From)), w.arg(ms(q.To))
	filter := ""
	if q.Topic != "" {
		filter = ` AND m.story_id IN (SELECT m2.story_id FROM story_members m2
            JOIN item_topics t ON t.item_id = m2.item_id
            WHERE t.topic_id = ` + w.arg(q.Topic) + ` AND m2.item_at >= ` + from + ` AND m2.item_at < ` + to + `
              AND t.item_at >= ` + from + ` AND t.item_at < ` + to + `)` // bounds the index range on item_topics
	}
	rows, err := s.r.QueryContext(ctx, `
SELECT s.id, s.title, s.url, s.first_seen, p.articles, p.sources
FROM (SELECT m.story_id, COUNT(*) AS articles, COUNT(DISTINCT m.source_id) AS sources
      FROM story_members m
      WHERE m.item_at >= `+from+` AND m.item_at < `+to+filter+`
      GROUP BY m.story_id) p
JOIN stories s ON s.id = p.story_id
ORDER BY p.sources DESC, p.articles DESC, s.first_seen, s.id
LIMIT `+w.arg(limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: top stories: %w", err)
	}
	var out []model.StorySummary
	for rows.Next() {
		var st model.StorySummary
		var first int64
		if err := rows.Scan(&st.StoryID, &st.Title, &st.URL, &first, &st.Articles, &st.Sources); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: top stories: %w", err)
		}
		st.FirstSeen = fromMS(first)
		st.Topics = []string{}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, fmt.Errorf("store: top stories: %w", err)
	}
	rows.Close()
	if err := s.fillStories(ctx, out, q.From, q.To); err != nil {
		return nil, fmt.Errorf("store: top stories: %w", err)
	}
	return out, nil
}

// fillStories adds topics, regions, severity and links to summaries.
func (s *Store) fillStories(ctx context.Context, out []model.StorySummary, from, to time.Time) error {
	if len(out) == 0 {
		return nil
	}
	ids := make([]string, len(out))
	index := map[string]int{}
	for i, st := range out {
		ids[i], index[st.StoryID] = st.StoryID, i
	}
	args := []any{ms(from), ms(to)}
	for _, id := range ids {
		args = append(args, id)
	}
	in := placeholders(3, len(ids))
	period := `m.item_at >= $1 AND m.item_at < $2 AND m.story_id IN (` + in + `)`
	err := scanPairs(ctx, s.r, `
SELECT m.story_id, t.topic_id FROM story_members m JOIN item_topics t ON t.item_id = m.item_id
WHERE `+period+` GROUP BY m.story_id, t.topic_id ORDER BY m.story_id, COUNT(*) DESC, t.topic_id`, args,
		func(story, topic string) { out[index[story]].Topics = append(out[index[story]].Topics, topic) })
	if err != nil {
		return err
	}
	err = scanPairs(ctx, s.r, `
SELECT m.story_id, r.region FROM story_members m JOIN item_regions r ON r.item_id = m.item_id
WHERE `+period+` GROUP BY m.story_id, r.region ORDER BY m.story_id, COUNT(*) DESC, r.region`, args,
		func(story, region string) { out[index[story]].Regions = append(out[index[story]].Regions, region) })
	if err != nil {
		return err
	}
	rows, err := s.r.QueryContext(ctx, `
SELECT m.story_id, MIN(i.severity) FROM story_members m JOIN items i ON i.id = m.item_id
WHERE `+period+` AND i.severity > 0 GROUP BY m.story_id`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var story string
		var sev int
		if err := rows.Scan(&story, &sev); err != nil {
			rows.Close()
			return err
		}
		out[index[story]].Severity = model.Severity(sev)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	links, err := s.storyLinks(ctx, ids, storyLinkLimit)
	if err != nil {
		return err
	}
	for story, l := range links {
		out[index[story]].Links = l
	}
	return nil
}

// scanPairs runs a query of two text columns and hands each row to fn.
func scanPairs(ctx context.Context, q querier, query string, args []any, fn func(a, b string)) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		fn(a, b)
	}
	return rows.Err()
}

// Story returns the summary of one story over its whole life, or an error
// wrapping model.ErrNotFound.
func (s *Store) Story(ctx context.Context, storyID string) (model.StorySummary, error) {
	st := model.StorySummary{StoryID: storyID, Topics: []string{}}
	var first, last int64
	err := s.r.QueryRowContext(ctx, `SELECT title, url, first_seen, last_seen, articles, sources FROM stories WHERE id = $1`,
		storyID).Scan(&st.Title, &st.URL, &first, &last, &st.Articles, &st.Sources)
	if err == sql.ErrNoRows {
		return st, fmt.Errorf("store: story %q: %w", storyID, model.ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("store: story %q: %w", storyID, err)
	}
	st.FirstSeen = fromMS(first)
	out := []model.StorySummary{st}
	if err := s.fillStories(ctx, out, st.FirstSeen, fromMS(last+1)); err != nil {
		return st, fmt.Errorf("store: story %q: %w", storyID, err)
	}
	return out[0], nil
}
