package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/yuqing/yuqing/model"
)

// SourceRecord is a source as the store knows it: its configuration, whether
// it is still configured, and the health of its last polls. A source that
// was never polled has a zero SourceHealth apart from SourceID.
type SourceRecord struct {
	model.Source
	// Active is false for a source that was removed from the configuration;
	// its items and health are kept.
	Active bool `json:"active"`
	model.SourceHealth
}

// SyncSources makes the stored sources match the configured list: each is
// inserted or updated by id and marked active; stored sources missing from
// the list become inactive. Health is left alone.
func (s *Store) SyncSources(ctx context.Context, sources []model.Source) error {
	for _, src := range sources {
		if src.ID == "" {
			return errors.New("store: sync sources: a source has an empty id")
		}
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET active = FALSE WHERE active = TRUE`); err != nil {
			return fmt.Errorf("deactivate: %w", err)
		}
		for _, src := range sources {
			_, err := tx.ExecContext(ctx, `
INSERT INTO sources (id, name, kind, url, region, weight, interval_ms, active)
VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE)
ON CONFLICT (id) DO UPDATE SET
    name = excluded.name, kind = excluded.kind, url = excluded.url,
    region = excluded.region, weight = excluded.weight,
    interval_ms = excluded.interval_ms, active = TRUE`,
				src.ID, src.Name, src.Kind, src.URL, src.Region, src.Weight, src.Interval.Milliseconds())
			if err != nil {
				return fmt.Errorf("upsert %q: %w", src.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: sync sources: %w", err)
	}
	return nil
}

const healthColumns = `last_attempt_at, last_success_at, last_error_at, last_error,
    consecutive_failures, items_seen, next_poll_at, etag, last_modified`

// ListSources returns every source ever stored, active or not, by id.
func (s *Store) ListSources(ctx context.Context) ([]SourceRecord, error) {
	rows, err := s.r.QueryContext(ctx, `
SELECT id, name, kind, url, region, weight, interval_ms, active, `+healthColumns+`
FROM sources ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: list sources: %w", err)
	}
	defer rows.Close()
	var out []SourceRecord
	for rows.Next() {
		var rec SourceRecord
		var intervalMS int64
		dest := []any{&rec.ID, &rec.Name, &rec.Kind, &rec.URL, &rec.Region, &rec.Weight, &intervalMS, &rec.Active}
		if err := scanHealth(rows, &rec.SourceHealth, dest...); err != nil {
			return nil, fmt.Errorf("store: list sources: %w", err)
		}
		rec.Interval = time.Duration(intervalMS) * time.Millisecond
		rec.SourceID = rec.ID
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list sources: %w", err)
	}
	return out, nil
}

// SourceHealth returns the saved health of a source, or an error wrapping
// model.ErrNotFound if it was never saved.
func (s *Store) SourceHealth(ctx context.Context, sourceID string) (model.SourceHealth, error) {
	h := model.SourceHealth{SourceID: sourceID}
	row := s.r.QueryRowContext(ctx, `SELECT `+healthColumns+`
FROM sources WHERE id = $1 AND health_saved_at IS NOT NULL`, sourceID)
	err := scanHealth(row, &h)
	if errors.Is(err, sql.ErrNoRows) {
		return model.SourceHealth{}, fmt.Errorf("store: source health %q: %w", sourceID, model.ErrNotFound)
	}
	if err != nil {
		return model.SourceHealth{}, fmt.Errorf("store: source health %q: %w", sourceID, err)
	}
	return h, nil
}

// SaveSourceHealth stores the health of a source. A source that is not
// stored yet gets a minimal active row, so that a poll racing a
// configuration sync never loses its validators.
func (s *Store) SaveSourceHealth(ctx context.Context, h model.SourceHealth) error {
	if h.SourceID == "" {
		return errors.New("store: save source health: empty source id")
	}
	_, err := s.w.ExecContext(ctx, `
INSERT INTO sources (id, active, health_saved_at, `+healthColumns+`)
VALUES ($1, TRUE, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (id) DO UPDATE SET
    health_saved_at = excluded.health_saved_at,
    last_attempt_at = excluded.last_attempt_at,
    last_success_at = excluded.last_success_at,
    last_error_at = excluded.last_error_at,
    last_error = excluded.last_error,
    consecutive_failures = excluded.consecutive_failures,
    items_seen = excluded.items_seen,
    next_poll_at = excluded.next_poll_at,
    etag = excluded.etag,
    last_modified = excluded.last_modified`,
		h.SourceID, ms(s.now()),
		msOrNull(h.LastAttemptAt), msOrNull(h.LastSuccessAt), msOrNull(h.LastErrorAt), h.LastError,
		h.ConsecutiveFailures, h.ItemsSeen, msOrNull(h.NextPollAt), h.ETag, h.LastModified)
	if err != nil {
		return fmt.Errorf("store: save source health %q: %w", h.SourceID, err)
	}
	return nil
}

type scanner interface{ Scan(dest ...any) error }

// scanHealth scans the healthColumns that follow the given leading
// destinations.
func scanHealth(sc scanner, h *model.SourceHealth, leading ...any) error {
	var attempt, success, errAt, next sql.NullInt64
	dest := append(leading, &attempt, &success, &errAt, &h.LastError,
		&h.ConsecutiveFailures, &h.ItemsSeen, &next, &h.ETag, &h.LastModified)
	if err := sc.Scan(dest...); err != nil {
		return err
	}
	h.LastAttemptAt = fromNullMS(attempt)
	h.LastSuccessAt = fromNullMS(success)
	h.LastErrorAt = fromNullMS(errAt)
	h.NextPollAt = fromNullMS(next)
	return nil
}
