package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/yuqing/yuqing/model"
)

// Report run states (table report_runs).
const (
	ReportRunRunning = "running"
	ReportRunDone    = "done"
	ReportRunFailed  = "failed"
	ReportRunSkipped = "skipped"
)

// ReportRun is one scheduled report as the store records it.
type ReportRun struct {
	Period     string    `json:"period"`
	Scope      string    `json:"scope"`
	State      string    `json:"state"`
	ClaimedAt  time.Time `json:"claimed_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	LastError  string    `json:"last_error,omitempty"`
}

// SaveReport archives one rendering of a report, replacing an earlier
// rendering of the same period, scope and format.
func (s *Store) SaveReport(ctx context.Context, r model.ArchivedReport) error {
	if r.Period == "" || r.Format == "" || r.Token == "" {
		return errors.New("store: save report: period, format and token are required")
	}
	_, err := s.w.ExecContext(ctx, `
INSERT INTO reports (period, scope, format, token, title, content, bytes, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (period, scope, format) DO UPDATE SET
    token = excluded.token, title = excluded.title, content = excluded.content,
    bytes = excluded.bytes, created_at = excluded.created_at`,
		r.Period, r.Scope, r.Format, r.Token, r.Title, nonNil(r.Content), len(r.Content), ms(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: save report %s/%s.%s: %w", r.Period, r.Scope, r.Format, err)
	}
	return nil
}

// ReportByToken returns the archived rendering with the token and format,
// or an error wrapping model.ErrNotFound.
func (s *Store) ReportByToken(ctx context.Context, token, format string) (model.ArchivedReport, error) {
	r := model.ArchivedReport{Token: token, Format: format}
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT period, scope, title, content, created_at
FROM reports WHERE token = $1 AND format = $2`, token, format).Scan(&r.Period, &r.Scope, &r.Title, &r.Content, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return model.ArchivedReport{}, fmt.Errorf("store: report %s.%s: %w", token, format, model.ErrNotFound)
	}
	if err != nil {
		return model.ArchivedReport{}, fmt.Errorf("store: report %s.%s: %w", token, format, err)
	}
	r.Bytes = len(r.Content)
	r.CreatedAt = fromMS(created)
	return r, nil
}

// ListReports returns the archived renderings without their content,
// newest period first, at most limit (<= 0: all).
func (s *Store) ListReports(ctx context.Context, limit int) ([]model.ArchivedReport, error) {
	query := `SELECT period, scope, format, token, title, bytes, created_at FROM reports
ORDER BY period DESC, scope, format`
	var args []any
	if limit > 0 {
		query += ` LIMIT $1`
		args = append(args, limit)
	}
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list reports: %w", err)
	}
	defer rows.Close()
	var out []model.ArchivedReport
	for rows.Next() {
		var r model.ArchivedReport
		var created int64
		if err := rows.Scan(&r.Period, &r.Scope, &r.Format, &r.Token, &r.Title, &r.Bytes, &created); err != nil {
			return nil, fmt.Errorf("store: list reports: %w", err)
		}
		r.CreatedAt = fromMS(created)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list reports: %w", err)
	}
	return out, nil
}

// ClaimReportRun claims the scheduled report of a period and scope for
// this process. It succeeds when the report has no run yet, when its run
// failed, or when a running claim is older than lease (its process died);
// it fails (false, nil) while another claim holds or once the report is
// done or skipped. The check and the claim are one statement, so two
// instances never both succeed.
func (s *Store) ClaimReportRun(ctx context.Context, period, scope string, now time.Time, lease time.Duration) (bool, error) {
	res, err := s.w.ExecContext(ctx, `
INSERT INTO report_runs (period, scope, state, claimed_at) VALUES ($1, $2, 'running', $3)
ON CONFLICT (period, scope) DO UPDATE SET state = 'running', claimed_at = excluded.claimed_at,
    finished_at = NULL, last_error = ''
WHERE report_runs.state = 'failed'
   OR (report_runs.state = 'running' AND report_runs.claimed_at <= $4)`,
		period, scope, ms(now), ms(now.Add(-lease)))
	if err != nil {
		return false, fmt.Errorf("store: claim report run %s/%s: %w", period, scope, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: claim report run %s/%s: %w", period, scope, err)
	}
	return n == 1, nil
}

// SkipReportRun records that the report of a period will not be built
// (it was due before the schedule first ran), unless it has a run already.
func (s *Store) SkipReportRun(ctx context.Context, period, scope string, now time.Time) error {
	_, err := s.w.ExecContext(ctx, `
INSERT INTO report_runs (period, scope, state, claimed_at, finished_at) VALUES ($1, $2, 'skipped', $3, $3)
ON CONFLICT (period, scope) DO NOTHING`, period, scope, ms(now))
	if err != nil {
		return fmt.Errorf("store: skip report run %s/%s: %w", period, scope, err)
	}
	return nil
}

// FinishReportRun ends a claimed run: done, or failed with errText (a
// failed run may be claimed again).
func (s *Store) FinishReportRun(ctx context.Context, period, scope string, now time.Time, failed bool, errText string) error {
	state := ReportRunDone
	if failed {
		state = ReportRunFailed
	}
	_, err := s.w.ExecContext(ctx, `UPDATE report_runs SET state = $1, finished_at = $2, last_error = $3
WHERE period = $4 AND scope = $5`, state, ms(now), errText, period, scope)
	if err != nil {
		return fmt.Errorf("store: finish report run %s/%s: %w", period, scope, err)
	}
	return nil
}

// ReportRuns lists the scheduled runs, newest period first.
func (s *Store) ReportRuns(ctx context.Context) ([]ReportRun, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT period, scope, state, claimed_at, finished_at, last_error
FROM report_runs ORDER BY period DESC, scope`)
	if err != nil {
		return nil, fmt.Errorf("store: list report runs: %w", err)
	}
	defer rows.Close()
	var out []ReportRun
	for rows.Next() {
		var r ReportRun
		var claimed int64
		var finished sql.NullInt64
		if err := rows.Scan(&r.Period, &r.Scope, &r.State, &claimed, &finished, &r.LastError); err != nil {
			return nil, fmt.Errorf("store: list report runs: %w", err)
		}
		r.ClaimedAt, r.FinishedAt = fromMS(claimed), fromNullMS(finished)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list report runs: %w", err)
	}
	return out, nil
}

// HasReportRuns reports whether the schedule ever recorded a run: on a new
// installation it has not, and the week already due is not caught up.
func (s *Store) HasReportRuns(ctx context.Context) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM report_runs LIMIT 1) r`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: check report runs: %w", err)
	}
	return n > 0, nil
}
