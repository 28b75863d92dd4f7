package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/yuqing/yuqing/model"
)

// caseColumns are the columns scanCase reads, in its order.
const caseColumns = `id, item_id, story_id, department, department_name, lead, state, severity,
    topics, regions, title, url, articles, sources, first_published_at, detected_at, clock_start,
    opened_at, updated_at, signed_at, responded_at, press_at, closed_at, response_url, response_text, reason,
    escalated_at, group_key, group_wait_ms, group_interval_ms, repeat_interval_ms, last_notified_at,
    notified_severity, notified_articles, notified_sources, updates, repeats, update_due_at, next_repeat_at`

// caseReader is what reads need: the read pool, the write pool or a
// transaction.
type caseReader interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func scanCase(sc scanner) (model.Case, error) {
	var (
		c                                      model.Case
		severity, notifiedSeverity             int
		topics, regions, sources               string
		firstPublished, signed, responded      sql.NullInt64
		press, closed, escalated, lastNotified sql.NullInt64
		updateDue, nextRepeat                  sql.NullInt64
		detected, clock, opened, updated       int64
		wait, interval, repeat                 int64
	)
	s := &c.Schedule
	if err := sc.Scan(&c.ID, &c.ItemID, &c.StoryID, &c.Department, &c.DepartmentName, &c.Lead, &c.State, &severity,
		&topics, &regions, &c.Title, &c.URL, &c.Articles, &sources, &firstPublished, &detected, &clock,
		&opened, &updated, &signed, &responded, &press, &closed, &c.ResponseURL, &c.ResponseText, &c.Reason,
		&escalated, &c.GroupKey, &wait, &interval, &repeat, &lastNotified,
		&notifiedSeverity, &s.NotifiedArticles, &s.NotifiedSources, &s.Updates, &s.Repeats, &updateDue, &nextRepeat); err != nil {
		return model.Case{}, err
	}
	c.Severity, s.NotifiedSeverity = model.Severity(severity), model.Severity(notifiedSeverity)
	for _, j := range []struct {
		text string
		into *[]string
	}{{topics, &c.Topics}, {regions, &c.Regions}, {sources, &c.Sources}} {
		if err := json.Unmarshal([]byte(j.text), j.into); err != nil {
			return model.Case{}, fmt.Errorf("decode case %d: %w", c.ID, err)
		}
	}
	c.FirstPublishedAt, c.DetectedAt, c.ClockStart = fromNullMS(firstPublished), fromMSOrZero(detected), fromMSOrZero(clock)
	c.OpenedAt, c.UpdatedAt = fromMS(opened), fromMS(updated)
	c.SignedAt, c.RespondedAt, c.PressAt = fromNullMS(signed), fromNullMS(responded), fromNullMS(press)
	c.ClosedAt, c.EscalatedAt = fromNullMS(closed), fromNullMS(escalated)
	s.GroupWait, s.GroupInterval, s.RepeatInterval = time.Duration(wait)*time.Millisecond,
		time.Duration(interval)*time.Millisecond, time.Duration(repeat)*time.Millisecond
	s.LastNotifiedAt, s.UpdateDueAt, s.NextRepeatAt = fromNullMS(lastNotified), fromNullMS(updateDue), fromNullMS(nextRepeat)
	return c, nil
}

// fromMSOrZero reads a NOT NULL time whose 0 means unknown (rows from
// before the column existed).
func fromMSOrZero(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMS(v)
}

// queryCases runs a query selecting caseColumns and loads the deadlines
// of the cases found.
func queryCases(ctx context.Context, q caseReader, query string, args ...any) ([]model.Case, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	var out []model.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := loadDeadlines(ctx, q, out); err != nil {
		return nil, err
	}
	return out, nil
}

// loadDeadlines fills the deadlines of cases, earliest due first.
func loadDeadlines(ctx context.Context, q caseReader, cases []model.Case) error {
	if len(cases) == 0 {
		return nil
	}
	index := make(map[int64]int, len(cases))
	args := make([]any, 0, len(cases))
	for i, c := range cases {
		index[c.ID] = i
		args = append(args, c.ID)
	}
	for start := 0; start < len(args); start += knownItemsChunk {
		chunk := args[start:min(start+knownItemsChunk, len(args))]
		rows, err := q.QueryContext(ctx, `SELECT case_id, kind, name, due_at, met_at, notified, next_check_at
FROM case_deadlines WHERE case_id IN (`+placeholders(1, len(chunk))+`) ORDER BY due_at, kind`, chunk...)
		if err != nil {
			return fmt.Errorf("load deadlines: %w", err)
		}
		for rows.Next() {
			var id, due int64
			var met, next sql.NullInt64
			var d model.Deadline
			if err := rows.Scan(&id, &d.Kind, &d.Name, &due, &met, &d.Notified, &next); err != nil {
				rows.Close()
				return fmt.Errorf("load deadlines: %w", err)
			}
			d.Due, d.MetAt, d.NextCheckAt = fromMS(due), fromNullMS(met), fromNullMS(next)
			c := &cases[index[id]]
			c.Deadlines = append(c.Deadlines, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("load deadlines: %w", err)
		}
	}
	return nil
}

// CaseFilter selects cases; empty fields do not filter. Limit <= 0 means no
// limit.
type CaseFilter struct {
	ItemID     string
	StoryID    string
	Department string
	State      string
	// OpenedFrom and OpenedTo bound the opening time: [from, to).
	OpenedFrom, OpenedTo time.Time
	Limit                int
}

// Cases returns the cases that match f with their deadlines, newest first.
func (s *Store) Cases(ctx context.Context, f CaseFilter) ([]model.Case, error) {
	var w whereBuilder
	for _, cond := range []struct {
		sql string
		v   string
	}{{"item_id = ?", f.ItemID}, {"story_id = ?", f.StoryID}, {"department = ?", f.Department}, {"state = ?", f.State}} {
		if cond.v != "" {
			w.add(cond.sql, cond.v)
		}
	}
	if !f.OpenedFrom.IsZero() {
		w.add("opened_at >= ?", ms(f.OpenedFrom))
	}
	if !f.OpenedTo.IsZero() {
		w.add("opened_at < ?", ms(f.OpenedTo))
	}
	q := `SELECT ` + caseColumns + ` FROM cases` + w.clause() + ` ORDER BY opened_at DESC, id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + w.arg(f.Limit)
	}
	out, err := queryCases(ctx, s.r, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list cases: %w", err)
	}
	return out, nil
}

// Case returns one case with its deadlines, or an error wrapping
// model.ErrNotFound.
func (s *Store) Case(ctx context.Context, id int64) (model.Case, error) {
	c, err := loadCase(ctx, s.r, "id = $1", "", id)
	if err != nil {
		return model.Case{}, fmt.Errorf("store: case %d: %w", id, err)
	}
	return c, nil
}

// loadCase reads the one case where cond holds (lock: "" or " FOR UPDATE").
func loadCase(ctx context.Context, q caseReader, cond, lock string, args ...any) (model.Case, error) {
	cs, err := queryCases(ctx, q, `SELECT `+caseColumns+` FROM cases WHERE `+cond+lock, args...)
	switch {
	case err != nil:
		return model.Case{}, err
	case len(cs) == 0:
		return model.Case{}, model.ErrNotFound
	}
	return cs[0], nil
}

// lockClause locks the rows read in a transaction where the database can
// (PostgreSQL); SQLite's single writer needs none.
func (s *Store) lockClause() string {
	if s.dialect == DialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}

// CaseLinks returns the latest articles attached to a case, newest first.
func (s *Store) CaseLinks(ctx context.Context, id int64, limit int) ([]model.Link, error) {
	links, err := caseLinks(ctx, s.r, id, limit)
	if err != nil {
		return nil, fmt.Errorf("store: links of case %d: %w", id, err)
	}
	return links, nil
}

func caseLinks(ctx context.Context, q caseReader, id int64, limit int) ([]model.Link, error) {
	rows, err := q.QueryContext(ctx, `
SELECT i.source_id, i.title, i.url FROM case_items ci JOIN items i ON i.id = ci.item_id
WHERE ci.case_id = $1 ORDER BY i.item_at DESC, i.id DESC LIMIT $2`, id, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []model.Link
	for rows.Next() {
		var l model.Link
		if err := rows.Scan(&l.Source, &l.Title, &l.URL); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
