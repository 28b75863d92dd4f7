package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/yuqing/yuqing/model"
)

// CreateSilence stores a silence made through the API and returns it with
// its id. A silence starting before now starts now.
func (s *Store) CreateSilence(ctx context.Context, si model.Silence, now time.Time) (model.Silence, error) {
	now = truncMS(now)
	si.StartsAt, si.EndsAt, si.CreatedAt = truncMS(si.StartsAt), truncMS(si.EndsAt), now
	if si.StartsAt.Before(now) {
		si.StartsAt = now
	}
	if err := si.Validate(); err != nil {
		return model.Silence{}, fmt.Errorf("store: create silence: %w: %w", ErrInvalidTransition, err)
	}
	err := s.w.QueryRowContext(ctx, `
INSERT INTO silences (story_id, topic, source_id, starts_at, ends_at, reason, author, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		si.StoryID, si.Topic, si.Source, ms(si.StartsAt), ms(si.EndsAt), si.Reason, si.Author, ms(now)).Scan(&si.ID)
	if err != nil {
		return model.Silence{}, fmt.Errorf("store: create silence: %w", err)
	}
	return si, nil
}

// ActiveSilences returns the stored silences in force at now.
func (s *Store) ActiveSilences(ctx context.Context, now time.Time) ([]model.Silence, error) {
	return s.silences(ctx, `starts_at <= $1 AND ends_at > $1`, ms(now))
}

// Silences returns the stored silences that have not ended by now (in
// force or still to come), soonest ending first.
func (s *Store) Silences(ctx context.Context, now time.Time) ([]model.Silence, error) {
	return s.silences(ctx, `ends_at > $1`, ms(now))
}

func (s *Store) silences(ctx context.Context, cond string, args ...any) ([]model.Silence, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, story_id, topic, source_id, starts_at, ends_at, reason, author, created_at
FROM silences WHERE `+cond+` ORDER BY ends_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list silences: %w", err)
	}
	defer rows.Close()
	var out []model.Silence
	for rows.Next() {
		var si model.Silence
		var starts, ends, created int64
		if err := rows.Scan(&si.ID, &si.StoryID, &si.Topic, &si.Source, &starts, &ends, &si.Reason, &si.Author, &created); err != nil {
			return nil, fmt.Errorf("store: list silences: %w", err)
		}
		si.StartsAt, si.EndsAt, si.CreatedAt = fromMS(starts), fromMS(ends), fromMS(created)
		out = append(out, si)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list silences: %w", err)
	}
	return out, nil
}

// ExpireSilence ends a silence at now (one not started yet is removed).
// Ending one that has ended already is not an error; an unknown id wraps
// model.ErrNotFound.
func (s *Store) ExpireSilence(ctx context.Context, id int64, now time.Time) error {
	now = truncMS(now)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var starts, ends int64
		err := tx.QueryRowContext(ctx, `SELECT starts_at, ends_at FROM silences WHERE id = $1`, id).Scan(&starts, &ends)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return model.ErrNotFound
		case err != nil:
			return err
		case ends <= ms(now):
			return nil
		case starts >= ms(now):
			_, err = tx.ExecContext(ctx, `DELETE FROM silences WHERE id = $1`, id)
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE silences SET ends_at = $2 WHERE id = $1`, id, ms(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: expire silence %d: %w", id, err)
	}
	return nil
}
