package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/yuqing/yuqing/model"
)

// CaseFilter selects cases; empty fields do not filter. Limit <= 0 means no
// limit.
type CaseFilter struct {
	ItemID     string
	Department string
	State      string
	Limit      int
}

// OpenCases opens, in one transaction, one case per opening for the item
// (unique per item and department) and queues, for each case it creates, one
// pending delivery per receiver, due at now, whose payload is the JSON of
// the model.Alert. Cases that exist already are left alone and get no
// deliveries. It returns the cases it created, in the order of openings.
//
// The item is stored first if it is not (normally the analyzer stored it),
// so that a case always points at an item.
func (s *Store) OpenCases(ctx context.Context, t model.TaggedItem, openings []model.CaseOpening, now time.Time) ([]model.Case, error) {
	if t.Item.ID == "" {
		return nil, errors.New("store: open cases: empty item id")
	}
	for _, op := range openings {
		if op.Department == "" {
			return nil, fmt.Errorf("store: open cases for item %q: an opening has no department", t.Item.ID)
		}
	}
	// Truncated so that the returned cases and the alert payloads carry
	// exactly the time that reads back from the store.
	now = truncMS(now)
	var created []model.Case
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.insertTagged(ctx, tx, t); err != nil {
			return err
		}
		byOpening := make([]*model.Case, len(openings))
		// Rows are locked in department order whatever the order of the
		// openings, so that two workers opening cases for the same item
		// cannot deadlock on PostgreSQL.
		for _, i := range departmentOrder(openings) {
			c, ok, err := openCase(ctx, tx, t, openings[i], now)
			if err != nil {
				return fmt.Errorf("department %q: %w", openings[i].Department, err)
			}
			if ok {
				byOpening[i] = &c
			}
		}
		for _, c := range byOpening {
			if c != nil {
				created = append(created, *c)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: open cases for item %q: %w", t.Item.ID, err)
	}
	for _, c := range created {
		s.log.Debug("case opened", "case_id", c.ID, "item_id", c.ItemID, "department", c.Department)
	}
	return created, nil
}

// departmentOrder returns the indexes of openings sorted by department; among
// repeats of a department the first opening comes first, and wins.
func departmentOrder(openings []model.CaseOpening) []int {
	order := make([]int, len(openings))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		return openings[order[a]].Department < openings[order[b]].Department
	})
	return order
}

// openCase inserts the case of one opening and its deliveries; ok is false
// when the case existed already.
func openCase(ctx context.Context, tx *sql.Tx, t model.TaggedItem, op model.CaseOpening, now time.Time) (c model.Case, ok bool, err error) {
	c = model.Case{
		ItemID:     t.Item.ID,
		StoryID:    t.Analysis.StoryID,
		Department: op.Department,
		State:      model.CaseOpen,
		Lead:       op.Lead,
		Topics:     caseTopics(t, op),
		Severity:   t.Analysis.Severity,
		OpenedAt:   now,
	}
	topics, err := json.Marshal(c.Topics)
	if err != nil {
		return model.Case{}, false, fmt.Errorf("encode topics: %w", err)
	}
	err = tx.QueryRowContext(ctx, `
INSERT INTO cases (item_id, story_id, department, lead, state, severity, topics, opened_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
ON CONFLICT (item_id, department) DO NOTHING
RETURNING id`,
		c.ItemID, c.StoryID, c.Department, c.Lead, c.State, int(c.Severity), string(topics), ms(now)).Scan(&c.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return model.Case{}, false, nil
	}
	if err != nil {
		return model.Case{}, false, fmt.Errorf("insert case: %w", err)
	}
	payload, err := json.Marshal(model.Alert{
		CaseID:         c.ID,
		Department:     op.Department,
		DepartmentName: op.DepartmentName,
		Item:           t.Item,
		Analysis:       t.Analysis,
		OpenedAt:       now,
	})
	if err != nil {
		return model.Case{}, false, fmt.Errorf("encode alert: %w", err)
	}
	if err := queueDeliveries(ctx, tx, c.ID, op.Receivers, "", payload, now); err != nil {
		return model.Case{}, false, err
	}
	return c, true, nil
}

// Cases returns the cases that match f, newest first.
func (s *Store) Cases(ctx context.Context, f CaseFilter) ([]model.Case, error) {
	var w whereBuilder
	if f.ItemID != "" {
		w.add("item_id = ?", f.ItemID)
	}
	if f.Department != "" {
		w.add("department = ?", f.Department)
	}
	if f.State != "" {
		w.add("state = ?", f.State)
	}
	q := `SELECT id, item_id, story_id, department, lead, state, severity, topics, opened_at
FROM cases` + w.clause() + ` ORDER BY opened_at DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + w.arg(f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list cases: %w", err)
	}
	defer rows.Close()
	var out []model.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list cases: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list cases: %w", err)
	}
	return out, nil
}

func scanCase(sc scanner) (model.Case, error) {
	var c model.Case
	var severity int
	var topics string
	var openedAt int64
	if err := sc.Scan(&c.ID, &c.ItemID, &c.StoryID, &c.Department, &c.Lead, &c.State,
		&severity, &topics, &openedAt); err != nil {
		return model.Case{}, err
	}
	c.Severity = model.Severity(severity)
	c.OpenedAt = fromMS(openedAt)
	if err := json.Unmarshal([]byte(topics), &c.Topics); err != nil {
		return model.Case{}, fmt.Errorf("decode topics of case %d: %w", c.ID, err)
	}
	return c, nil
}

// caseTopics are the topics that brought the case to its department, or all
// the item's topics when the router did not say.
func caseTopics(t model.TaggedItem, op model.CaseOpening) []string {
	if len(op.Topics) > 0 {
		return slices.Clone(op.Topics)
	}
	return nonNil(t.Analysis.TopicIDs())
}
