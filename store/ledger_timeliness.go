package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/yuqing/yuqing/model"
)

// Timeliness reports, per department, how the cases opened in [from, to)
// were answered, judged at to — or now, for a period not over yet: a
// deadline met by then counts on time when it was met by its due time; one
// not met is missed when it was due before then, and still open otherwise
// (neither on time nor overdue). Cases
// dismissed as false alarms or rejected before to owe nothing and count as
// false alarms. Mean times run from the opening of the case. Departments
// come in code order.
func (s *Store) Timeliness(ctx context.Context, from, to time.Time) ([]model.Timeliness, error) {
	cases, err := s.Cases(ctx, CaseFilter{OpenedFrom: from, OpenedTo: to})
	if err != nil {
		return nil, fmt.Errorf("store: timeliness: %w", err)
	}
	at := to
	if now := s.now(); now.Before(at) {
		at = now
	}
	byDept := map[string]*timelinessSum{}
	for _, c := range slices.Backward(cases) { // oldest first
		sum := byDept[c.Department]
		if sum == nil {
			sum = &timelinessSum{}
			sum.Department = c.Department
			byDept[c.Department] = sum
		}
		sum.add(c, at)
	}
	out := make([]model.Timeliness, 0, len(byDept))
	for _, sum := range byDept {
		out = append(out, sum.result())
	}
	slices.SortFunc(out, func(a, b model.Timeliness) int {
		switch {
		case a.Department < b.Department:
			return -1
		case a.Department > b.Department:
			return 1
		}
		return 0
	})
	return out, nil
}

type timelinessSum struct {
	model.Timeliness
	signTotal, respondTotal time.Duration
}

func (t *timelinessSum) add(c model.Case, to time.Time) {
	if c.DepartmentName != "" {
		t.DepartmentName = c.DepartmentName
	}
	t.Cases++
	before := func(at time.Time) bool { return !at.IsZero() && at.Before(to) }
	if (c.State == model.CaseFalseAlarm || c.State == model.CaseRejected) && before(c.ClosedAt) {
		t.FalseAlarms++
		return
	}
	if before(c.SignedAt) {
		t.Signed++
		t.signTotal += max(c.SignedAt.Sub(c.OpenedAt), 0)
	}
	if before(c.RespondedAt) {
		t.Responded++
		t.respondTotal += max(c.RespondedAt.Sub(c.OpenedAt), 0)
	}
	missed, open := false, false
	for _, d := range c.Deadlines {
		switch {
		case before(d.MetAt) && !d.MetAt.After(d.Due):
		case before(d.MetAt) || d.Due.Before(to):
			missed = true
			met := d.MetAt
			if !before(met) {
				met = time.Time{}
			}
			t.OverdueCases = append(t.OverdueCases, model.OverdueCase{CaseID: c.ID, Title: c.Title,
				Deadline: d.Name, Due: d.Due, MetAt: met})
		default:
			open = true
		}
	}
	switch {
	case missed:
		t.Overdue++
	case !open && len(c.Deadlines) > 0:
		t.OnTime++
	}
}

func (t *timelinessSum) result() model.Timeliness {
	r := t.Timeliness
	if r.Signed > 0 {
		r.MeanTimeToSign = (t.signTotal / time.Duration(r.Signed)).Round(time.Second)
	}
	if r.Responded > 0 {
		r.MeanTimeToRespond = (t.respondTotal / time.Duration(r.Responded)).Round(time.Second)
	}
	return r
}
