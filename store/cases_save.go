package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/yuqing/yuqing/model"
)

// recordCase records the item in the opening's case; nil when nothing
// changed (the item was attached already, or a quiet opening found no case).
func (s *Store) recordCase(ctx context.Context, tx *sql.Tx, t model.TaggedItem, sp spread, op model.CaseOpening, now time.Time, policy model.CasePolicy) (*model.CaseChange, error) {
	id, opened, err := s.findOrOpenCase(ctx, tx, t, sp, op, now)
	if err != nil || id == 0 {
		return nil, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO case_items (case_id, item_id, added_at) VALUES ($1, $2, $3)
ON CONFLICT (case_id, item_id) DO NOTHING`, id, t.Item.ID, ms(now))
	if err != nil {
		return nil, fmt.Errorf("attach item: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 && !opened {
		return nil, err
	}
	c, err := loadCase(ctx, tx, "id = $1", s.lockClause(), id)
	if err != nil {
		return nil, fmt.Errorf("load case %d: %w", id, err)
	}
	ch := &model.CaseChange{Now: now, Opened: opened, Grew: !opened, Item: t, Opening: op}
	if !opened {
		ch.Before = cloneCase(c)
	}
	applySpread(&c, sp, op, now)
	ch.Case = c
	if err := s.fillContext(ctx, tx, ch); err != nil {
		return nil, err
	}
	if policy != nil {
		policy(ch)
	}
	if err := s.saveChange(ctx, tx, ch); err != nil {
		return nil, err
	}
	return ch, nil
}

// findOrOpenCase returns the id of the department's case of the story,
// opening it unless the opening is quiet (then 0 when there is none).
func (s *Store) findOrOpenCase(ctx context.Context, tx *sql.Tx, t model.TaggedItem, sp spread, op model.CaseOpening, now time.Time) (int64, bool, error) {
	if !op.Quiet {
		var id int64
		err := tx.QueryRowContext(ctx, `
INSERT INTO cases (item_id, story_id, story_key, department, department_name, lead, state, severity,
    topics, title, url, detected_at, clock_start, opened_at, updated_at, group_key,
    group_wait_ms, group_interval_ms, repeat_interval_ms)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $12, $12, $13, $14, $15, $16)
ON CONFLICT DO NOTHING
RETURNING id`,
			t.Item.ID, sp.storyID, sp.key, op.Department, op.DepartmentName, op.Lead, model.CaseOpen, int(sp.severity),
			jsonList(caseTopics(t, op)), t.Item.Title, t.Item.URL, ms(now), op.GroupKey,
			op.GroupWait.Milliseconds(), op.GroupInterval.Milliseconds(), op.RepeatInterval.Milliseconds()).Scan(&id)
		if err == nil {
			return id, true, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, false, fmt.Errorf("open case: %w", err)
		}
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM cases WHERE department = $1 AND (story_key = $2 OR item_id = $3)
ORDER BY CASE WHEN story_key = $2 THEN 0 ELSE 1 END LIMIT 1`, op.Department, sp.key, t.Item.ID).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows) && op.Quiet:
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("find case: %w", err)
	}
	return id, false, nil
}

// applySpread brings the case up to date with its story: counts and
// sources, clock times, topics and regions (both only grow), severity (only
// raised).
func applySpread(c *model.Case, sp spread, op model.CaseOpening, now time.Time) {
	c.Articles, c.Sources = max(sp.articles, 1), slices.Clone(sp.sources)
	if len(c.Sources) == 0 {
		c.Sources = []string{sp.itemSource}
	}
	c.FirstPublishedAt, c.DetectedAt = sp.firstPublished, sp.detected
	if c.DetectedAt.IsZero() {
		c.DetectedAt = now
	}
	if sp.severity != model.SeverityNone && (c.Severity == model.SeverityNone || sp.severity < c.Severity) {
		c.Severity = sp.severity
	}
	for _, topic := range op.Topics {
		if !slices.Contains(c.Topics, topic) {
			c.Topics = append(c.Topics, topic)
		}
	}
	for _, r := range sp.regions {
		if r != "" && !slices.Contains(c.Regions, r) {
			c.Regions = append(c.Regions, r)
		}
	}
	c.UpdatedAt = now
}

// fillContext gives the policy what it needs beyond the case: the story's
// other cases, the latest articles, and the group's pending first alerts.
func (s *Store) fillContext(ctx context.Context, tx *sql.Tx, ch *model.CaseChange) error {
	c := ch.Case
	peers, err := queryCases(ctx, tx, `SELECT `+caseColumns+` FROM cases
WHERE story_key = (SELECT story_key FROM cases WHERE id = $1) AND id <> $1 ORDER BY id`, c.ID)
	if err != nil {
		return fmt.Errorf("load the story's other cases: %w", err)
	}
	ch.Peers = peers
	if ch.Links, err = caseLinks(ctx, tx, c.ID, caseLinksInMessages); err != nil {
		return fmt.Errorf("load case links: %w", err)
	}
	if !ch.Opened {
		return nil
	}
	var due sql.NullInt64
	err = tx.QueryRowContext(ctx, `
SELECT MAX(d.next_attempt_at) FROM deliveries d JOIN cases c ON c.id = d.case_id
WHERE c.department = $1 AND c.group_key = $2 AND c.id <> $3 AND d.dedupe_key = ''
  AND d.state = 'pending' AND d.attempts = 0 AND d.next_attempt_at > $4`,
		c.Department, c.GroupKey, c.ID, ms(ch.Now)).Scan(&due)
	if err != nil {
		return fmt.Errorf("find the group's pending alerts: %w", err)
	}
	ch.GroupDueAt = fromNullMS(due)
	return nil
}

// saveChange writes what the policy decided: the case row, its deadlines,
// its audit events and its messages.
func (s *Store) saveChange(ctx context.Context, tx *sql.Tx, ch *model.CaseChange) error {
	if err := updateCase(ctx, tx, ch.Case); err != nil {
		return err
	}
	if err := saveDeadlines(ctx, tx, ch.Case); err != nil {
		return err
	}
	if err := insertEvents(ctx, tx, ch.Case.ID, ch.Events); err != nil {
		return err
	}
	for _, m := range ch.Messages {
		payload, err := json.Marshal(m.Alert)
		if err != nil {
			return fmt.Errorf("encode alert: %w", err)
		}
		if err := queueDeliveries(ctx, tx, ch.Case.ID, m.Receivers, m.Key, payload, ch.Now); err != nil {
			return err
		}
		if m.DueAt.After(ch.Now) {
			// Held for the group's burst: due with the others of its group.
			if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET next_attempt_at = $1
WHERE case_id = $2 AND dedupe_key = $3 AND state = 'pending' AND attempts = 0 AND next_attempt_at < $1`,
				ms(m.DueAt), ch.Case.ID, m.Key); err != nil {
				return fmt.Errorf("hold deliveries: %w", err)
			}
		}
	}
	return nil
}

func updateCase(ctx context.Context, tx *sql.Tx, c model.Case) error {
	s := c.Schedule
	_, err := tx.ExecContext(ctx, `
UPDATE cases SET state = $2, severity = $3, topics = $4, regions = $5, articles = $6, sources = $7,
    first_published_at = $8, detected_at = $9, clock_start = $10, updated_at = $11,
    signed_at = $12, responded_at = $13, press_at = $14, closed_at = $15,
    response_url = $16, response_text = $17, reason = $18, escalated_at = $19,
    last_notified_at = $20, notified_severity = $21, notified_articles = $22, notified_sources = $23,
    updates = $24, repeats = $25, update_due_at = $26, next_repeat_at = $27
WHERE id = $1`,
		c.ID, c.State, int(c.Severity), jsonList(c.Topics), jsonList(c.Regions), c.Articles, jsonList(c.Sources),
		msOrNull(c.FirstPublishedAt), msOrZero(c.DetectedAt), msOrZero(c.ClockStart), ms(c.UpdatedAt),
		msOrNull(c.SignedAt), msOrNull(c.RespondedAt), msOrNull(c.PressAt), msOrNull(c.ClosedAt),
		c.ResponseURL, c.ResponseText, c.Reason, msOrNull(c.EscalatedAt),
		msOrNull(s.LastNotifiedAt), int(s.NotifiedSeverity), s.NotifiedArticles, s.NotifiedSources,
		s.Updates, s.Repeats, msOrNull(s.UpdateDueAt), msOrNull(s.NextRepeatAt))
	if err != nil {
		return fmt.Errorf("update case %d: %w", c.ID, err)
	}
	return nil
}

func saveDeadlines(ctx context.Context, tx *sql.Tx, c model.Case) error {
	var rows [][]any
	for _, d := range c.Deadlines {
		rows = append(rows, []any{c.ID, d.Kind, d.Name, ms(d.Due), msOrNull(d.MetAt), d.Notified, msOrNull(d.NextCheckAt)})
	}
	if len(rows) == 0 {
		return nil
	}
	err := insertRows(ctx, tx, `INSERT INTO case_deadlines (case_id, kind, name, due_at, met_at, notified, next_check_at) VALUES `,
		rows, ` ON CONFLICT (case_id, kind) DO UPDATE SET name = excluded.name, due_at = excluded.due_at,
    met_at = excluded.met_at, notified = excluded.notified, next_check_at = excluded.next_check_at`)
	if err != nil {
		return fmt.Errorf("save deadlines of case %d: %w", c.ID, err)
	}
	return nil
}

func insertEvents(ctx context.Context, tx *sql.Tx, caseID int64, events []model.CaseEvent) error {
	var rows [][]any
	for _, e := range events {
		rows = append(rows, []any{caseID, ms(e.At), e.Actor, e.Action, e.FromState, e.ToState, e.Detail, e.RemoteAddr})
	}
	if len(rows) == 0 {
		return nil
	}
	if err := insertRows(ctx, tx, `INSERT INTO case_events (case_id, at, actor, action, from_state, to_state, detail, remote_addr) VALUES `, rows); err != nil {
		return fmt.Errorf("record events of case %d: %w", caseID, err)
	}
	return nil
}

// msOrZero is the stored form of a NOT NULL time whose 0 means unknown.
func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

func jsonList(xs []string) string {
	b, _ := json.Marshal(nonNil(xs))
	return string(b)
}

// cloneCase copies a case so that changing one leaves the other alone.
func cloneCase(c model.Case) model.Case {
	c.Topics, c.Regions, c.Sources = slices.Clone(c.Topics), slices.Clone(c.Regions), slices.Clone(c.Sources)
	c.Deadlines = slices.Clone(c.Deadlines)
	return c
}

// caseTopics are the topics that brought the case to its department, or all
// the item's topics when the router did not say.
func caseTopics(t model.TaggedItem, op model.CaseOpening) []string {
	if len(op.Topics) > 0 {
		return slices.Clone(op.Topics)
	}
	return nonNil(t.Analysis.TopicIDs())
}
