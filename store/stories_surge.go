package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/yuqing/yuqing/model"
)

// TopicCounts returns, per topic, the number of tagged articles in each
// bucket of the given size from from to to: index 0 is [from, from+bucket).
func (s *Store) TopicCounts(ctx context.Context, from, to time.Time, bucket time.Duration) (map[string][]int, error) {
	out, err := s.bucketCounts(ctx, `item_topics`, `topic_id`, ``, from, to, bucket)
	if err != nil {
		return nil, fmt.Errorf("store: topic counts: %w", err)
	}
	return out, nil
}

// StoryCounts returns the same per story, for the stories with an article
// at or after activeSince.
func (s *Store) StoryCounts(ctx context.Context, from, to time.Time, bucket time.Duration, activeSince time.Time) (map[string][]int, error) {
	active := ` AND story_id IN (SELECT story_id FROM story_members WHERE item_at >= $4)`
	out, err := s.bucketCounts(ctx, `story_members`, `story_id`, active, from, to, bucket, ms(activeSince))
	if err != nil {
		return nil, fmt.Errorf("store: story counts: %w", err)
	}
	return out, nil
}

// bucketCounts counts rows of table by key and bucket of item_at. The
// bucket arithmetic is integer division in both dialects.
func (s *Store) bucketCounts(ctx context.Context, table, key, extra string, from, to time.Time, bucket time.Duration, more ...any) (map[string][]int, error) {
	if bucket <= 0 || !to.After(from) {
		return nil, errors.New("want a positive bucket and from before to")
	}
	width := bucket.Milliseconds()
	n := int((ms(to) - ms(from) + width - 1) / width)
	args := append([]any{ms(from), ms(to), width}, more...)
	rows, err := s.r.QueryContext(ctx, `
SELECT `+key+`, (item_at - $1) / $3, COUNT(*) FROM `+table+`
WHERE item_at >= $1 AND item_at < $2`+extra+`
GROUP BY 1, 2`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]int{}
	for rows.Next() {
		var k string
		var b int64
		var c int
		if err := rows.Scan(&k, &b, &c); err != nil {
			return nil, err
		}
		if out[k] == nil {
			out[k] = make([]int, n)
		}
		if b >= 0 && int(b) < n {
			out[k][b] += c
		}
	}
	return out, rows.Err()
}

// SurgeSeen reports whether a surge was recorded.
func (s *Store) SurgeSeen(ctx context.Context, id string) (bool, error) {
	var one int
	err := s.r.QueryRowContext(ctx, `SELECT 1 FROM surges WHERE id = $1`, id).Scan(&one)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return false, fmt.Errorf("store: surge %q: %w", id, err)
}

// MarkSurge records a surge as announced; recording it twice is harmless.
func (s *Store) MarkSurge(ctx context.Context, sg model.Surge) error {
	_, err := s.w.ExecContext(ctx, `
INSERT INTO surges (id, scope, key, window_kind, start_at, count, threshold, detected_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
		sg.ID, sg.Scope, sg.Key, sg.Window, ms(sg.Start), sg.Count, sg.Threshold, ms(sg.DetectedAt))
	if err != nil {
		return fmt.Errorf("store: mark surge %q: %w", sg.ID, err)
	}
	return nil
}
