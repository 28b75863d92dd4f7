package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/yuqing/yuqing/model"
)

// The report's aggregates are counts over index ranges, one query per topic
// or place rather than one GROUP BY over the period: a GROUP BY that the
// index order does not serve sorts every row of the week first, while a
// COUNT over a range of (topic_id, item_at) or (region, item_at) only steps
// through the index. The period's negatives are read through a partial
// index that holds the negative items alone (migration 0005).

// ReportTotals counts the distinct items of the period, and the negative
// ones, among the items of q.Topics (all items when empty).
func (s *Store) ReportTotals(ctx context.Context, q model.StatsQuery) (model.ItemTotals, error) {
	var t model.ItemTotals
	if err := checkPeriod(q); err != nil {
		return t, fmt.Errorf("store: report totals: %w", err)
	}
	itemsSQL, negSQL, args := totalsQueries(q)
	if err := s.r.QueryRowContext(ctx, itemsSQL, args...).Scan(&t.Items); err != nil {
		return t, fmt.Errorf("store: report totals: count items: %w", err)
	}
	if err := s.r.QueryRowContext(ctx, negSQL, args...).Scan(&t.Negative); err != nil {
		return t, fmt.Errorf("store: report totals: count negative items: %w", err)
	}
	return t, nil
}

// ReportTopicCounts counts the items of each topic of q.Topics in the
// period, and the negative ones, in the order of q.Topics. A topic without
// items has a zero count.
func (s *Store) ReportTopicCounts(ctx context.Context, q model.StatsQuery) ([]model.TopicCount, error) {
	if err := checkPeriod(q); err != nil {
		return nil, fmt.Errorf("store: report topic counts: %w", err)
	}
	topics := dedupe(q.Topics)
	out := make([]model.TopicCount, len(topics))
	index := make(map[string]int, len(topics))
	for i, topic := range topics {
		out[i].Topic = topic
		index[topic] = i
		err := s.r.QueryRowContext(ctx, topicCountSQL, topic, ms(q.From), ms(q.To)).Scan(&out[i].Items)
		if err != nil {
			return nil, fmt.Errorf("store: report topic counts: count topic %q: %w", topic, err)
		}
	}
	if len(topics) == 0 {
		return out, nil
	}
	query, args := topicNegativeQuery(q.From, q.To, topics)
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: report topic counts: count negatives: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var topic string
		var n int64
		if err := rows.Scan(&topic, &n); err != nil {
			return nil, fmt.Errorf("store: report topic counts: %w", err)
		}
		out[index[topic]].Negative = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: report topic counts: %w", err)
	}
	return out, nil
}

// ReportRegionCounts counts, for each of the given places, the items of
// the period that mention it (among the items of q.Topics when set), in the
// order given.
func (s *Store) ReportRegionCounts(ctx context.Context, q model.StatsQuery, regions []string) ([]model.RegionCount, error) {
	if err := checkPeriod(q); err != nil {
		return nil, fmt.Errorf("store: report region counts: %w", err)
	}
	regions = dedupe(regions)
	out := make([]model.RegionCount, len(regions))
	for i, region := range regions {
		query, args := regionCountQuery(q, region)
		out[i].Region = region
		if err := s.r.QueryRowContext(ctx, query, args...).Scan(&out[i].Items); err != nil {
			return nil, fmt.Errorf("store: report region counts: count %q: %w", region, err)
		}
	}
	return out, nil
}

// ReportSeverityCounts counts the cases opened in the period by severity
// tier (of q.Department only, when set), most severe first, unassessed
// last. Events counts the distinct stories, or items where a case has no
// story, so that one event routed to three departments counts once.
func (s *Store) ReportSeverityCounts(ctx context.Context, q model.StatsQuery) ([]model.SeverityCount, error) {
	if err := checkPeriod(q); err != nil {
		return nil, fmt.Errorf("store: report severity counts: %w", err)
	}
	var w whereBuilder
	w.add(`opened_at >= ?`, ms(q.From))
	w.add(`opened_at < ?`, ms(q.To))
	if q.Department != "" {
		w.add(`department = ?`, q.Department)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT severity, COUNT(*),
    COUNT(DISTINCT CASE WHEN story_id <> '' THEN 's:' || story_id ELSE 'i:' || item_id END)
FROM cases`+w.clause()+` GROUP BY severity`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: report severity counts: %w", err)
	}
	defer rows.Close()
	var out []model.SeverityCount
	for rows.Next() {
		var c model.SeverityCount
		var sev int
		if err := rows.Scan(&sev, &c.Cases, &c.Events); err != nil {
			return nil, fmt.Errorf("store: report severity counts: %w", err)
		}
		c.Severity = model.Severity(sev)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: report severity counts: %w", err)
	}
	sortSeverityCounts(out)
	return out, nil
}

// sortSeverityCounts puts Ⅰ first and "not assessed" last.
func sortSeverityCounts(cs []model.SeverityCount) {
	rank := func(s model.Severity) int {
		if s == model.SeverityNone {
			return math.MaxInt
		}
		return int(s)
	}
	slices.SortFunc(cs, func(a, b model.SeverityCount) int { return cmp.Compare(rank(a.Severity), rank(b.Severity)) })
}

// ReportSourceActivity returns, for every stored source, how many items it
// delivered in [from, to), its newest item before to, and its current
// health, ordered by source id.
func (s *Store) ReportSourceActivity(ctx context.Context, from, to time.Time) ([]model.SourceActivity, error) {
	if !from.Before(to) {
		return nil, fmt.Errorf("store: report source activity: empty period %s – %s", from, to)
	}
	sources, err := s.ListSources(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]model.SourceActivity, len(sources))
	for i, src := range sources {
		a := model.SourceActivity{SourceID: src.ID, Name: src.Name, Active: src.Active, Health: src.SourceHealth}
		a.Health.SourceID = src.ID
		err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM items
WHERE source_id = $1 AND item_at >= $2 AND item_at < $3`, src.ID, ms(from), ms(to)).Scan(&a.Items)
		if err != nil {
			return nil, fmt.Errorf("store: report source activity: count %q: %w", src.ID, err)
		}
		var last sql.NullInt64
		err = s.r.QueryRowContext(ctx, `SELECT MAX(item_at) FROM items
WHERE source_id = $1 AND item_at < $2`, src.ID, ms(to)).Scan(&last)
		if err != nil {
			return nil, fmt.Errorf("store: report source activity: last item of %q: %w", src.ID, err)
		}
		a.LastItemAt = fromNullMS(last)
		out[i] = a
	}
	return out, nil
}

// titleSlices is how many equal slices of the period ReportTitles samples
// from, so that a sample smaller than the period's items still spreads
// over every day and hour.
const titleSlices = 56

// ReportTitles streams the titles of up to limit items of the period (of
// q.Topics when set) to fn, spread evenly over the period: each of its
// slices gives its earliest items. The titles are not held in memory.
func (s *Store) ReportTitles(ctx context.Context, q model.StatsQuery, limit int, fn func(title string) error) error {
	if err := checkPeriod(q); err != nil {
		return fmt.Errorf("store: report titles: %w", err)
	}
	if limit <= 0 {
		return nil
	}
	span := q.To.Sub(q.From)
	perSlice := max(1, (limit+titleSlices-1)/titleSlices)
	sent := 0
	for i := range titleSlices {
		if sent >= limit {
			break
		}
		from := q.From.Add(span * time.Duration(i) / titleSlices)
		to := q.From.Add(span * time.Duration(i+1) / titleSlices)
		n, err := s.sliceTitles(ctx, q.Topics, from, to, min(perSlice, limit-sent), fn)
		if err != nil {
			return fmt.Errorf("store: report titles: %w", err)
		}
		sent += n
	}
	return nil
}

func (s *Store) sliceTitles(ctx context.Context, topics []string, from, to time.Time, limit int, fn func(string) error) (int, error) {
	query, args := titlesQuery(topics, from, to, limit)
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var title string
		if err := rows.Scan(&title); err != nil {
			return n, err
		}
		n++
		if err := fn(title); err != nil {
			return n, err
		}
	}
	return n, rows.Err()
}

// topicList binds topics and returns their placeholders.
func topicList(w *whereBuilder, topics []string) string {
	ph := make([]string, len(topics))
	for i, t := range topics {
		ph[i] = w.arg(t)
	}
	return strings.Join(ph, ", ")
}

func checkPeriod(q model.StatsQuery) error {
	if q.From.IsZero() || q.To.IsZero() || !q.From.Before(q.To) {
		return errors.New("empty or unbounded period")
	}
	return nil
}

// The queries, built apart so that their plans can be pinned by a test.

// topicCountSQL counts one topic's items over a range of
// item_topics_topic_item_at.
const topicCountSQL = `SELECT COUNT(*) FROM item_topics
WHERE topic_id = $1 AND item_at >= $2 AND item_at < $3`

// totalsQueries count the items of the period and the negative ones.
func totalsQueries(q model.StatsQuery) (itemsSQL, negSQL string, args []any) {
	var w whereBuilder
	from, to := w.arg(ms(q.From)), w.arg(ms(q.To))
	if len(q.Topics) == 0 {
		itemsSQL = `SELECT COUNT(*) FROM items WHERE item_at >= ` + from + ` AND item_at < ` + to
		negSQL = `SELECT COUNT(*) FROM items WHERE sentiment = 'negative' AND item_at >= ` + from + ` AND item_at < ` + to
		return itemsSQL, negSQL, w.args
	}
	in := topicList(&w, q.Topics)
	itemsSQL = `SELECT COUNT(DISTINCT item_id) FROM item_topics
WHERE topic_id IN (` + in + `) AND item_at >= ` + from + ` AND item_at < ` + to
	negSQL = `SELECT COUNT(*) FROM items i
WHERE i.sentiment = 'negative' AND i.item_at >= ` + from + ` AND i.item_at < ` + to + `
  AND EXISTS (SELECT 1 FROM item_topics t WHERE t.item_id = i.id AND t.topic_id IN (` + in + `))`
	return itemsSQL, negSQL, w.args
}

// topicNegativeQuery counts the period's negative items per topic.
func topicNegativeQuery(from, to time.Time, topics []string) (string, []any) {
	var w whereBuilder
	f, t := w.arg(ms(from)), w.arg(ms(to))
	in := topicList(&w, topics)
	// "|| ''" keeps the planner (SQLite has no statistics) from walking
	// each topic's whole history in item_topics_topic_item_at: the join
	// must start from the period's negatives in their partial index and
	// look up their topics by primary key.
	return `SELECT t.topic_id, COUNT(*)
FROM items i JOIN item_topics t ON t.item_id = i.id
WHERE i.sentiment = 'negative' AND i.item_at >= ` + f + ` AND i.item_at < ` + t + `
  AND (t.topic_id || '') IN (` + in + `)
GROUP BY t.topic_id`, w.args
}

// regionCountQuery counts the items of the period that mention region.
func regionCountQuery(q model.StatsQuery, region string) (string, []any) {
	var w whereBuilder
	query := `SELECT COUNT(*) FROM item_regions r
WHERE r.region = ` + w.arg(region) + ` AND r.item_at >= ` + w.arg(ms(q.From)) + ` AND r.item_at < ` + w.arg(ms(q.To))
	if len(q.Topics) > 0 {
		query += ` AND EXISTS (SELECT 1 FROM item_topics t WHERE t.item_id = r.item_id AND t.topic_id IN (` + topicList(&w, q.Topics) + `))`
	}
	return query, w.args
}

// titlesQuery reads the titles of the earliest items of one slice.
func titlesQuery(topics []string, from, to time.Time, limit int) (string, []any) {
	var w whereBuilder
	query := `SELECT i.title FROM items i WHERE i.item_at >= ` + w.arg(ms(from)) + ` AND i.item_at < ` + w.arg(ms(to))
	if len(topics) > 0 {
		query += ` AND EXISTS (SELECT 1 FROM item_topics t WHERE t.item_id = i.id AND t.topic_id IN (` + topicList(&w, topics) + `))`
	}
	return query + ` ORDER BY i.item_at LIMIT ` + w.arg(limit), w.args
}
