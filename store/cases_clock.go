package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/yuqing/yuqing/model"
)

// DueCases returns the ids of the cases with something due at now: a
// deadline point, a held-back update or a repeat. Lead cases come first,
// then by id, so that when one story's cases come due together the lead's
// escalation is decided first.
func (s *Store) DueCases(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `
SELECT id FROM cases WHERE id IN (
    SELECT id FROM cases WHERE update_due_at <= $1
    UNION SELECT id FROM cases WHERE next_repeat_at <= $1
    UNION SELECT case_id FROM case_deadlines WHERE next_check_at <= $1)
ORDER BY lead DESC, id LIMIT $2`, ms(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due cases: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: due cases: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: due cases: %w", err)
	}
	return ids, nil
}

// AdvanceCase hands one case, with its first item, its story's other cases
// and its latest articles, to policy in a transaction and saves what the
// policy decided (as RecordStory does).
func (s *Store) AdvanceCase(ctx context.Context, id int64, now time.Time, policy model.CasePolicy) (model.CaseChange, error) {
	now = truncMS(now)
	var itemID string
	if err := s.r.QueryRowContext(ctx, `SELECT item_id FROM cases WHERE id = $1`, id).Scan(&itemID); err != nil {
		if err == sql.ErrNoRows {
			err = model.ErrNotFound
		}
		return model.CaseChange{}, fmt.Errorf("store: advance case %d: %w", id, err)
	}
	// Items never change: reading it before the transaction is safe, and
	// keeps the read off the single SQLite writer.
	item, err := s.TaggedItem(ctx, itemID)
	if err != nil {
		return model.CaseChange{}, fmt.Errorf("store: advance case %d: %w", id, err)
	}
	var ch model.CaseChange
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		c, err := loadCase(ctx, tx, "id = $1", s.lockClause(), id)
		if err != nil {
			return err
		}
		ch = model.CaseChange{Now: now, Before: cloneCase(c), Case: c, Item: item}
		if err := s.fillContext(ctx, tx, &ch); err != nil {
			return err
		}
		policy(&ch)
		return s.saveChange(ctx, tx, &ch)
	})
	if err != nil {
		return model.CaseChange{}, fmt.Errorf("store: advance case %d: %w", id, err)
	}
	return ch, nil
}
