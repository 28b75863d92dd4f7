package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/yuqing/yuqing/model"
)

// ErrInvalidTransition is wrapped by TransitionCase when the request lacks
// what its action needs (a reason, a response); model.ErrTransition when
// the case's state does not allow the action.
var ErrInvalidTransition = errors.New("invalid ledger request")

// TransitionCase applies a ledger action to a case in one transaction: the
// new state and its time, the deadlines the action meets (a response meets
// 发布权威信息 and 予以回应 at the response's time; the press conference is
// recorded on its own), the end of repeats once someone has signed, and an
// audit row saying who, when, what and from where. An action done already
// (a second click on a link) changes nothing and returns changed=false.
func (s *Store) TransitionCase(ctx context.Context, id int64, tr model.Transition, now time.Time) (c model.Case, changed bool, err error) {
	if err := tr.Validate(); err != nil {
		return model.Case{}, false, fmt.Errorf("store: case %d: %w: %w", id, ErrInvalidTransition, err)
	}
	now = truncMS(now)
	at := truncMS(tr.At)
	if at.IsZero() || at.After(now) {
		at = now
	}
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = loadCase(ctx, tx, "id = $1", s.lockClause(), id)
		if err != nil {
			return err
		}
		next, done, err := model.NextState(c.State, tr.Action)
		if err != nil {
			return err
		}
		if done || tr.Action == model.ActionPress && !c.PressAt.IsZero() {
			return nil
		}
		from := c.State
		applyTransition(&c, tr, next, at, now)
		changed = true
		ev := model.CaseEvent{CaseID: id, At: now, Actor: tr.Actor, Action: tr.Action, FromState: from,
			ToState: next, Detail: transitionDetail(tr, at, now), RemoteAddr: tr.RemoteAddr}
		if err := updateCase(ctx, tx, c); err != nil {
			return err
		}
		if err := saveDeadlines(ctx, tx, c); err != nil {
			return err
		}
		return insertEvents(ctx, tx, id, []model.CaseEvent{ev})
	})
	if err != nil {
		return model.Case{}, false, fmt.Errorf("store: case %d: %s: %w", id, tr.Action, err)
	}
	return c, changed, nil
}

func applyTransition(c *model.Case, tr model.Transition, next string, at, now time.Time) {
	switch tr.Action {
	case model.ActionSign, model.ActionHandle:
	case model.ActionRespond:
		c.RespondedAt, c.ResponseURL, c.ResponseText = at, strings.TrimSpace(tr.ResponseURL), strings.TrimSpace(tr.ResponseText)
	case model.ActionPress:
		c.PressAt = at
	case model.ActionClose:
		c.ClosedAt = now
	case model.ActionFalseAlarm, model.ActionReject:
		c.Reason, c.ClosedAt = strings.TrimSpace(tr.Reason), now
	}
	if c.SignedAt.IsZero() && tr.Action != model.ActionPress {
		c.SignedAt = now
	}
	c.State, c.UpdatedAt = next, now
	met := model.DeadlinesMetBy(tr.Action)
	for i := range c.Deadlines {
		d := &c.Deadlines[i]
		if slices.Contains(met, d.Kind) && !d.Met() {
			d.MetAt = at
		}
		if d.Met() || c.Ended() {
			d.NextCheckAt = time.Time{}
		}
	}
	if c.State != model.CaseOpen {
		c.Schedule.NextRepeatAt = time.Time{}
	}
	if c.Ended() {
		c.Schedule.UpdateDueAt = time.Time{}
	}
}

func transitionDetail(tr model.Transition, at, now time.Time) string {
	var parts []string
	via := map[string]string{"link": "签名链接", "api": "API"}[tr.Via]
	if via != "" {
		parts = append(parts, "途径："+via)
	}
	if tr.Reason != "" {
		parts = append(parts, "原因："+strings.TrimSpace(tr.Reason))
	}
	if tr.ResponseURL != "" {
		parts = append(parts, "回应链接："+strings.TrimSpace(tr.ResponseURL))
	}
	if tr.ResponseText != "" {
		parts = append(parts, "回应内容："+strings.TrimSpace(tr.ResponseText))
	}
	if !at.Equal(now) {
		parts = append(parts, "发生时间："+at.Format(time.RFC3339))
	}
	return strings.Join(parts, "；")
}

// CaseEvents returns the audit trail of a case, oldest first.
func (s *Store) CaseEvents(ctx context.Context, id int64) ([]model.CaseEvent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, case_id, at, actor, action, from_state, to_state, detail, remote_addr
FROM case_events WHERE case_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, fmt.Errorf("store: events of case %d: %w", id, err)
	}
	defer rows.Close()
	var out []model.CaseEvent
	for rows.Next() {
		var e model.CaseEvent
		var at int64
		if err := rows.Scan(&e.ID, &e.CaseID, &at, &e.Actor, &e.Action, &e.FromState, &e.ToState, &e.Detail, &e.RemoteAddr); err != nil {
			return nil, fmt.Errorf("store: events of case %d: %w", id, err)
		}
		e.At = fromMS(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: events of case %d: %w", id, err)
	}
	return out, nil
}
