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

// caseLinksInMessages is how many of a case's latest articles its messages
// list.
const caseLinksInMessages = 5

// RecordStory stores the item and records it in one case per opening: the
// department's case of the item's story (one per story and department),
// opened if there is none unless the opening is quiet. An item is attached
// to a case once; attaching it again (a redelivered message) changes
// nothing. For each case opened or grown, policy decides the deadlines,
// schedule, audit events and messages, and everything is saved in the same
// transaction; each message is queued once per receiver under its key. It
// returns the changes, in the order of openings.
//
// The story is the one stored with the item: the first analysis of an item
// wins, so a re-analysed item redelivered later cannot open a second case.
func (s *Store) RecordStory(ctx context.Context, t model.TaggedItem, openings []model.CaseOpening, now time.Time, policy model.CasePolicy) ([]model.CaseChange, error) {
	if t.Item.ID == "" {
		return nil, errors.New("store: record story: empty item id")
	}
	for _, op := range openings {
		if op.Department == "" {
			return nil, fmt.Errorf("store: record item %q: an opening has no department", t.Item.ID)
		}
	}
	// Truncated so that the returned cases and the alert payloads carry
	// exactly the time that reads back from the store.
	now = truncMS(now)
	byOpening := make([]*model.CaseChange, len(openings))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.insertTagged(ctx, tx, t); err != nil {
			return err
		}
		sp, err := storySpread(ctx, tx, t.Item.ID)
		if err != nil {
			return err
		}
		// Rows are locked in department order whatever the order of the
		// openings, so that two workers recording items of one story
		// cannot deadlock on PostgreSQL.
		for _, i := range departmentOrder(openings) {
			if slices.ContainsFunc(openings[:i], func(o model.CaseOpening) bool { return o.Department == openings[i].Department }) {
				continue // the first opening of a department wins
			}
			ch, err := s.recordCase(ctx, tx, t, sp, openings[i], now, policy)
			if err != nil {
				return fmt.Errorf("department %q: %w", openings[i].Department, err)
			}
			byOpening[i] = ch
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: record item %q: %w", t.Item.ID, err)
	}
	var changes []model.CaseChange
	for _, ch := range byOpening {
		if ch != nil {
			changes = append(changes, *ch)
		}
	}
	return changes, nil
}

// OpenCases is RecordStory with the plain policy of the first version:
// a case's one message is its first alert; growing a case sends nothing.
// It returns the cases it opened.
func (s *Store) OpenCases(ctx context.Context, t model.TaggedItem, openings []model.CaseOpening, now time.Time) ([]model.Case, error) {
	changes, err := s.RecordStory(ctx, t, openings, now, openOnly)
	if err != nil {
		return nil, err
	}
	var opened []model.Case
	for _, ch := range changes {
		if ch.Opened {
			opened = append(opened, ch.Case)
		}
	}
	return opened, nil
}

func openOnly(ch *model.CaseChange) {
	if !ch.Opened {
		return
	}
	ch.Messages = append(ch.Messages, model.CaseMessage{Receivers: ch.Opening.Receivers, Alert: model.Alert{
		CaseID: ch.Case.ID, Department: ch.Case.Department, DepartmentName: ch.Opening.DepartmentName,
		Item: ch.Item.Item, Analysis: ch.Item.Analysis, OpenedAt: ch.Case.OpenedAt,
	}})
}

// departmentOrder returns the indexes of openings sorted by department; among
// repeats of a department the first opening comes first.
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

// spread is what the store knows of an item's story.
type spread struct {
	storyID, key, itemSource string
	// severity is the highest any article of the story has.
	severity                 model.Severity
	regions                  []string
	sources                  []string
	articles                 int
	firstPublished, detected time.Time
}

// storySpread reads the stored item's story and how far it has spread: its
// articles and their sources (in the order they appeared), its first
// publication and its detection.
func storySpread(ctx context.Context, q caseReader, itemID string) (spread, error) {
	var sp spread
	var analysis string
	err := q.QueryRowContext(ctx, `SELECT story_id, source_id, analysis FROM items WHERE id = $1`, itemID).
		Scan(&sp.storyID, &sp.itemSource, &analysis)
	if err != nil {
		return sp, fmt.Errorf("read item's story: %w", err)
	}
	var a model.Analysis
	if err := json.Unmarshal([]byte(analysis), &a); err != nil {
		return sp, fmt.Errorf("decode item's analysis: %w", err)
	}
	sp.regions = a.Regions
	cond, arg := "id = $1", itemID
	sp.key = "item:" + itemID
	if sp.storyID != "" {
		cond, arg, sp.key = "story_id = $1", sp.storyID, "story:"+sp.storyID
	}
	rows, err := q.QueryContext(ctx, `
SELECT source_id, COUNT(*), MIN(published_at), MIN(COALESCE(fetched_at, stored_at)), MIN(item_at),
    MIN(CASE WHEN severity > 0 THEN severity END)
FROM items WHERE `+cond+` GROUP BY source_id ORDER BY MIN(item_at), source_id`, arg)
	if err != nil {
		return sp, fmt.Errorf("read story spread: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var source string
		var n, detected, first int64
		var published, severity sql.NullInt64
		if err := rows.Scan(&source, &n, &published, &detected, &first, &severity); err != nil {
			return sp, fmt.Errorf("read story spread: %w", err)
		}
		if sev := model.Severity(severity.Int64); severity.Valid && (sp.severity == model.SeverityNone || sev < sp.severity) {
			sp.severity = sev
		}
		sp.sources = append(sp.sources, source)
		sp.articles += int(n)
		if p := fromNullMS(published); !p.IsZero() && (sp.firstPublished.IsZero() || p.Before(sp.firstPublished)) {
			sp.firstPublished = p
		}
		if d := fromMS(detected); sp.detected.IsZero() || d.Before(sp.detected) {
			sp.detected = d
		}
	}
	return sp, rows.Err()
}
