package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/yuqing/yuqing/model"
)

// knownItemsChunk bounds the IN list of one KnownItems query: far below the
// parameter limits of both databases, large enough that a feed's ids take
// one round trip.
const knownItemsChunk = 500

// insertRowsChunk bounds the rows of one multi-row INSERT.
const insertRowsChunk = 200

// KnownItems returns the subset of ids that are stored, as a set.
func (s *Store) KnownItems(ctx context.Context, ids []string) (map[string]bool, error) {
	known := make(map[string]bool)
	unique := dedupe(ids)
	for start := 0; start < len(unique); start += knownItemsChunk {
		chunk := unique[start:min(start+knownItemsChunk, len(unique))]
		if err := s.knownChunk(ctx, chunk, known); err != nil {
			return nil, fmt.Errorf("store: known items: %w", err)
		}
	}
	return known, nil
}

func (s *Store) knownChunk(ctx context.Context, ids []string, known map[string]bool) error {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM items WHERE id IN (`+placeholders(1, len(ids))+`)`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		known[id] = true
	}
	return rows.Err()
}

// SaveTagged stores an analyzed item with its topics and regions in one
// transaction. An item already stored is left unchanged and inserted is
// false, which makes redelivered messages harmless.
func (s *Store) SaveTagged(ctx context.Context, t model.TaggedItem) (inserted bool, err error) {
	if t.Item.ID == "" {
		return false, errors.New("store: save tagged item: empty item id")
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		inserted, err = s.insertTagged(ctx, tx, t)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: save tagged item %q: %w", t.Item.ID, err)
	}
	return inserted, nil
}

// insertTagged inserts the item, its topics and its regions unless the item
// is stored already.
func (s *Store) insertTagged(ctx context.Context, tx *sql.Tx, t model.TaggedItem) (bool, error) {
	analysis, err := json.Marshal(t.Analysis)
	if err != nil {
		return false, fmt.Errorf("encode analysis: %w", err)
	}
	it, a := t.Item, t.Analysis
	storedAt := s.now()
	itemAt := it.EarliestTime()
	if itemAt.IsZero() {
		itemAt = storedAt
	}
	res, err := tx.ExecContext(ctx, `
INSERT INTO items (id, source_id, guid, url, title, content, author,
    published_at, fetched_at, stored_at, item_at,
    negativity, sentiment, severity, story_id, analysis)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
ON CONFLICT (id) DO NOTHING`,
		it.ID, it.SourceID, it.GUID, it.URL, it.Title, it.Content, it.Author,
		msOrNull(it.PublishedAt), msOrNull(it.FetchedAt), ms(storedAt), ms(itemAt),
		a.Negativity, a.Sentiment, int(a.Severity), a.StoryID, string(analysis))
	if err != nil {
		return false, fmt.Errorf("insert item: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("insert item: %w", err)
	}
	if n == 0 {
		return false, nil
	}
	if err := insertTopics(ctx, tx, it.ID, ms(itemAt), a.Topics); err != nil {
		return false, err
	}
	if err := insertRegions(ctx, tx, it.ID, ms(itemAt), a.Regions); err != nil {
		return false, err
	}
	return true, nil
}

func insertTopics(ctx context.Context, tx *sql.Tx, itemID string, itemAt int64, topics []model.TopicMatch) error {
	seen := make(map[string]bool, len(topics))
	var rows [][]any
	for _, tm := range topics {
		if tm.ID == "" || seen[tm.ID] {
			continue
		}
		seen[tm.ID] = true
		terms, err := json.Marshal(nonNil(tm.Terms))
		if err != nil {
			return fmt.Errorf("encode terms of topic %q: %w", tm.ID, err)
		}
		rows = append(rows, []any{itemID, tm.ID, tm.Score, string(terms), itemAt})
	}
	return insertRows(ctx, tx, `INSERT INTO item_topics (item_id, topic_id, score, terms, item_at) VALUES `, rows)
}

func insertRegions(ctx context.Context, tx *sql.Tx, itemID string, itemAt int64, regions []string) error {
	var rows [][]any
	for _, r := range dedupe(regions) {
		if r != "" {
			rows = append(rows, []any{itemID, r, itemAt})
		}
	}
	return insertRows(ctx, tx, `INSERT INTO item_regions (item_id, region, item_at) VALUES `, rows)
}

// insertRows runs prefix with one VALUES tuple per row, in chunks, followed
// by the optional suffix (an ON CONFLICT clause). All rows must have the
// same number of columns.
func insertRows(ctx context.Context, tx *sql.Tx, prefix string, rows [][]any, suffix ...string) error {
	for start := 0; start < len(rows); start += insertRowsChunk {
		chunk := rows[start:min(start+insertRowsChunk, len(rows))]
		cols := len(chunk[0])
		args := make([]any, 0, len(chunk)*cols)
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, prefix+rowValues(1, len(chunk), cols)+strings.Join(suffix, ""), args...); err != nil {
			return fmt.Errorf("insert rows: %w", err)
		}
	}
	return nil
}

// TaggedItem returns a stored item with its analysis, or an error wrapping
// model.ErrNotFound.
func (s *Store) TaggedItem(ctx context.Context, id string) (model.TaggedItem, error) {
	var t model.TaggedItem
	var published, fetched sql.NullInt64
	var analysis string
	err := s.r.QueryRowContext(ctx, `
SELECT id, source_id, guid, url, title, content, author, published_at, fetched_at, analysis
FROM items WHERE id = $1`, id).Scan(&t.Item.ID, &t.Item.SourceID, &t.Item.GUID, &t.Item.URL,
		&t.Item.Title, &t.Item.Content, &t.Item.Author, &published, &fetched, &analysis)
	if errors.Is(err, sql.ErrNoRows) {
		return model.TaggedItem{}, fmt.Errorf("store: tagged item %q: %w", id, model.ErrNotFound)
	}
	if err != nil {
		return model.TaggedItem{}, fmt.Errorf("store: tagged item %q: %w", id, err)
	}
	t.Item.PublishedAt = fromNullMS(published)
	t.Item.FetchedAt = fromNullMS(fetched)
	if err := json.Unmarshal([]byte(analysis), &t.Analysis); err != nil {
		return model.TaggedItem{}, fmt.Errorf("store: tagged item %q: decode analysis: %w", id, err)
	}
	return t, nil
}

// CountItems returns how many items are stored.
func (s *Store) CountItems(ctx context.Context) (int64, error) {
	var n int64
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM items`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count items: %w", err)
	}
	return n, nil
}

// dedupe returns the distinct values of xs in first-seen order.
func dedupe(xs []string) []string {
	seen := make(map[string]bool, len(xs))
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// nonNil makes a nil slice encode as [] rather than null.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
