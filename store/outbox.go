package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/yuqing/yuqing/model"
)

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// DeliveryRecord is a delivery with its outcome, for pages and tests.
type DeliveryRecord struct {
	model.Delivery
	State       string    `json:"state"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
	FailedAt    time.Time `json:"failed_at,omitzero"`
	// DigestOf is the first delivery id of the digest message this one
	// went out in; 0 when it was sent alone.
	DigestOf int64 `json:"digest_of,omitempty"`
	// Deferrals counts how often it waited for its destination's rate
	// limit.
	Deferrals int `json:"deferrals,omitempty"`
}

// DeliveryFilter selects deliveries; zero fields do not filter. Limit <= 0
// means no limit.
type DeliveryFilter struct {
	CaseID int64
	State  string
	Limit  int
}

// OutboxStats counts deliveries by state.
type OutboxStats struct {
	Pending   int64 `json:"pending"`
	Delivered int64 `json:"delivered"`
	Failed    int64 `json:"failed"`
}

// claimSQL picks the due deliveries and leases them in one statement. The
// CTE is evaluated once; on PostgreSQL its FOR UPDATE SKIP LOCKED makes a
// concurrent claimer skip rows another one is leasing instead of waiting
// for them and then taking them too. SQLite has a single writer, so the
// statement alone is atomic there.
const claimSQL = `
WITH due AS (
    SELECT id FROM deliveries
    WHERE state = 'pending' AND next_attempt_at <= $1
    ORDER BY next_attempt_at, id
    LIMIT $3%s
)
UPDATE deliveries SET next_attempt_at = $2, attempts = attempts + 1
WHERE id IN (SELECT id FROM due)
RETURNING id, case_id, receiver, payload, attempts, created_at, next_attempt_at, last_error`

// ClaimDeliveries leases up to limit pending deliveries due at now: their
// next attempt moves to now+lease and their attempt count goes up by one, so
// a crashed sender's claims come back after the lease and two senders never
// hold the same delivery. The result is ordered by id.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]model.Delivery, error) {
	if limit <= 0 {
		return nil, nil
	}
	if lease <= 0 {
		return nil, fmt.Errorf("store: claim deliveries: lease %v must be positive", lease)
	}
	lock := ""
	if s.dialect == DialectPostgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	rows, err := s.w.QueryContext(ctx, fmt.Sprintf(claimSQL, lock), ms(now), ms(now.Add(lease)), limit)
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	defer rows.Close()
	var out []model.Delivery
	for rows.Next() {
		var d model.Delivery
		var created, next int64
		if err := rows.Scan(&d.ID, &d.CaseID, &d.Receiver, &d.Payload, &d.Attempts,
			&created, &next, &d.LastError); err != nil {
			return nil, fmt.Errorf("store: claim deliveries: %w", err)
		}
		d.CreatedAt, d.NextAttemptAt = fromMS(created), fromMS(next)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// MarkDelivered records a successful delivery. Delivered wins over every
// other state: a send that succeeded after its lease ran out, or after the
// delivery was given up, still counts.
func (s *Store) MarkDelivered(ctx context.Context, id int64, at time.Time) error {
	return s.mark(ctx, "delivered", id, `
UPDATE deliveries SET state = 'delivered', delivered_at = $2, last_error = ''
WHERE id = $1 AND state <> 'delivered'`, id, ms(at))
}

// MarkRetry schedules the next attempt of a pending delivery. A delivery
// that is finished already is left alone.
func (s *Store) MarkRetry(ctx context.Context, id int64, next time.Time, errText string) error {
	return s.mark(ctx, "retry", id, `
UPDATE deliveries SET next_attempt_at = $2, last_error = $3
WHERE id = $1 AND state = 'pending'`, id, ms(next), errText)
}

// MarkFailed gives a pending delivery up. It stays in the outbox, visible.
func (s *Store) MarkFailed(ctx context.Context, id int64, at time.Time, errText string) error {
	return s.mark(ctx, "failed", id, `
UPDATE deliveries SET state = 'failed', failed_at = $2, last_error = $3
WHERE id = $1 AND state = 'pending'`, id, ms(at), errText)
}

// MarkDigestDelivered records, in one statement, that the deliveries went
// out together in one digest message: each becomes delivered (whatever its
// state, as with MarkDelivered) and remembers the digest by its first id.
func (s *Store) MarkDigestDelivered(ctx context.Context, ids []int64, at time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	args := append([]any{ms(at), ids[0]}, int64Args(ids)...)
	_, err := s.w.ExecContext(ctx, `
UPDATE deliveries SET state = 'delivered', delivered_at = $1, last_error = '', digest_of = $2
WHERE state <> 'delivered' AND id IN (`+placeholders(3, len(ids))+`)`, args...)
	if err != nil {
		return fmt.Errorf("store: mark digest of %d deliveries delivered: %w", len(ids), err)
	}
	return s.checkKnown(ctx, "mark digest delivered", ids)
}

// DeferDeliveries puts pending deliveries back until next because their
// destination is over its rate limit: the attempt their claim counted is
// taken back and the wait is counted in deferrals instead. last_error is
// kept: it still tells why an earlier attempt failed.
func (s *Store) DeferDeliveries(ctx context.Context, ids []int64, next time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	args := append([]any{ms(next)}, int64Args(ids)...)
	_, err := s.w.ExecContext(ctx, `
UPDATE deliveries SET next_attempt_at = $1, deferrals = deferrals + 1,
    attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
WHERE state = 'pending' AND id IN (`+placeholders(2, len(ids))+`)`, args...)
	if err != nil {
		return fmt.Errorf("store: defer %d deliveries: %w", len(ids), err)
	}
	return s.checkKnown(ctx, "defer", ids)
}

// SentSince returns, per receiver, when each message it delivered at or
// after since went out, oldest first: one time per delivery sent alone and
// one per digest, whatever the number of deliveries merged into it.
// Rate limiters are seeded with it at start, so that a restart does not
// forget the messages a destination still counts.
func (s *Store) SentSince(ctx context.Context, since time.Time) (map[string][]time.Time, error) {
	// A digest's deliveries share digest_of and delivered_at; a delivery
	// sent alone is keyed by its negated id, which no digest_of can equal.
	rows, err := s.r.QueryContext(ctx, `
SELECT receiver, MAX(delivered_at) AS sent_at FROM deliveries
WHERE state = 'delivered' AND delivered_at >= $1
GROUP BY receiver, CASE WHEN digest_of IS NULL THEN -id ELSE digest_of END
ORDER BY receiver, sent_at`, ms(since))
	if err != nil {
		return nil, fmt.Errorf("store: list messages sent since %s: %w", since.UTC().Format(time.RFC3339), err)
	}
	defer rows.Close()
	out := map[string][]time.Time{}
	for rows.Next() {
		var receiver string
		var at int64
		if err := rows.Scan(&receiver, &at); err != nil {
			return nil, fmt.Errorf("store: list messages sent: %w", err)
		}
		out[receiver] = append(out[receiver], fromMS(at))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list messages sent: %w", err)
	}
	return out, nil
}

// checkKnown returns model.ErrNotFound when one of ids names no delivery.
func (s *Store) checkKnown(ctx context.Context, what string, ids []int64) error {
	var n int
	err := s.w.QueryRowContext(ctx, `SELECT COUNT(*) FROM deliveries WHERE id IN (`+placeholders(1, len(ids))+`)`,
		int64Args(ids)...).Scan(&n)
	if err != nil {
		return fmt.Errorf("store: %s deliveries: %w", what, err)
	}
	if n != len(dedupeIDs(ids)) {
		return fmt.Errorf("store: %s deliveries %v: %w", what, ids, model.ErrNotFound)
	}
	return nil
}

func int64Args(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

func dedupeIDs(ids []int64) map[int64]bool {
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		seen[id] = true
	}
	return seen
}

// mark runs a state change. When it changes no row, the delivery is either
// unknown (model.ErrNotFound) or already past that change, which is not an
// error: a late report from a sender whose lease expired is expected.
func (s *Store) mark(ctx context.Context, what string, id int64, query string, args ...any) error {
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: mark delivery %d %s: %w", id, what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: mark delivery %d %s: %w", id, what, err)
	}
	if n > 0 {
		return nil
	}
	var state string
	err = s.w.QueryRowContext(ctx, `SELECT state FROM deliveries WHERE id = $1`, id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: mark delivery %d %s: %w", id, what, model.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: mark delivery %d %s: %w", id, what, err)
	}
	s.log.Debug("stale delivery report ignored", "delivery_id", id, "report", what, "state", state)
	return nil
}

// Deliveries returns the deliveries that match f, newest first.
func (s *Store) Deliveries(ctx context.Context, f DeliveryFilter) ([]DeliveryRecord, error) {
	var w whereBuilder
	if f.CaseID != 0 {
		w.add("case_id = ?", f.CaseID)
	}
	if f.State != "" {
		w.add("state = ?", f.State)
	}
	q := `SELECT id, case_id, receiver, payload, attempts, created_at, next_attempt_at, last_error,
    state, delivered_at, failed_at, digest_of, deferrals
FROM deliveries` + w.clause() + ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += ` LIMIT ` + w.arg(f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("store: list deliveries: %w", err)
	}
	defer rows.Close()
	var out []DeliveryRecord
	for rows.Next() {
		var d DeliveryRecord
		var created, next int64
		var delivered, failed, digestOf sql.NullInt64
		if err := rows.Scan(&d.ID, &d.CaseID, &d.Receiver, &d.Payload, &d.Attempts, &created, &next,
			&d.LastError, &d.State, &delivered, &failed, &digestOf, &d.Deferrals); err != nil {
			return nil, fmt.Errorf("store: list deliveries: %w", err)
		}
		d.CreatedAt, d.NextAttemptAt = fromMS(created), fromMS(next)
		d.DeliveredAt, d.FailedAt = fromNullMS(delivered), fromNullMS(failed)
		d.DigestOf = digestOf.Int64
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list deliveries: %w", err)
	}
	return out, nil
}

// OutboxStats counts the deliveries in each state.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT state, COUNT(*) FROM deliveries GROUP BY state`)
	if err != nil {
		return OutboxStats{}, fmt.Errorf("store: outbox stats: %w", err)
	}
	defer rows.Close()
	var st OutboxStats
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			return OutboxStats{}, fmt.Errorf("store: outbox stats: %w", err)
		}
		switch state {
		case DeliveryPending:
			st.Pending = n
		case DeliveryDelivered:
			st.Delivered = n
		case DeliveryFailed:
			st.Failed = n
		}
	}
	if err := rows.Err(); err != nil {
		return OutboxStats{}, fmt.Errorf("store: outbox stats: %w", err)
	}
	return st, nil
}

// queueDeliveries queues payload for each receiver of a case, inside tx.
// dedupeKey names the message ("" for the first alert of the case; e.g.
// "update:3" or "reminder:first_info:50"): a message already queued under
// the same key for a receiver is not queued again, so a redelivered bus
// message is harmless.
func queueDeliveries(ctx context.Context, tx *sql.Tx, caseID int64, receivers []string, dedupeKey string, payload []byte, now time.Time) error {
	var rows [][]any
	for _, r := range dedupe(receivers) {
		if r != "" {
			rows = append(rows, []any{caseID, r, string(payload), ms(now), ms(now), dedupeKey})
		}
	}
	if err := insertRows(ctx, tx, `
INSERT INTO deliveries (case_id, receiver, payload, created_at, next_attempt_at, dedupe_key) VALUES `, rows,
		` ON CONFLICT (case_id, receiver, dedupe_key) DO NOTHING`); err != nil {
		return fmt.Errorf("queue deliveries: %w", err)
	}
	return nil
}
