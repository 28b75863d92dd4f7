package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// openLedgerCase opens one case with a 予以回应 deadline due at +48h.
func openLedgerCase(t *testing.T, s *store.Store, id string, at time.Time) model.Case {
	t.Helper()
	it := loadTagged(t)[1]
	it.Item.ID = id
	p := &recordingPolicy{}
	cs, err := s.RecordStory(context.Background(), it, []model.CaseOpening{openEnv}, at, p.plan)
	if err != nil || len(cs) != 1 {
		t.Fatalf("open case: %v, %v", cs, err)
	}
	return cs[0].Case
}

func testLedgerTransitions(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	respond := model.Transition{Action: model.ActionRespond, ResponseURL: "https://www.xianning.gov.cn/hd/1"}
	reason := func(a string) model.Transition { return model.Transition{Action: a, Reason: "非本单位职责"} }
	act := func(a string) model.Transition { return model.Transition{Action: a} }
	tests := []struct {
		name    string
		steps   []model.Transition
		state   string
		changed bool
		wantErr error
	}{
		{"sign", []model.Transition{act("sign")}, model.CaseSigned, true, nil},
		{"sign twice is harmless", []model.Transition{act("sign"), act("sign")}, model.CaseSigned, false, nil},
		{"handle without signing", []model.Transition{act("handle")}, model.CaseHandling, true, nil},
		{"sign after handling is done already", []model.Transition{act("handle"), act("sign")}, model.CaseHandling, false, nil},
		{"respond needs a response", []model.Transition{act("respond")}, model.CaseOpen, false, store.ErrInvalidTransition},
		{"respond", []model.Transition{act("sign"), respond}, model.CaseResponded, true, nil},
		{"respond then close", []model.Transition{respond, act("close")}, model.CaseClosed, true, nil},
		{"close before responding", []model.Transition{act("close")}, model.CaseOpen, false, model.ErrTransition},
		{"false alarm needs a reason", []model.Transition{act("false_alarm")}, model.CaseOpen, false, store.ErrInvalidTransition},
		{"false alarm", []model.Transition{reason("false_alarm")}, model.CaseFalseAlarm, true, nil},
		{"nothing after a false alarm", []model.Transition{reason("false_alarm"), act("sign")}, model.CaseFalseAlarm, false, model.ErrTransition},
		{"reject a responded case", []model.Transition{respond, reason("reject")}, model.CaseResponded, false, model.ErrTransition},
		{"reject", []model.Transition{act("sign"), reason("reject")}, model.CaseRejected, true, nil},
		{"press keeps the state", []model.Transition{act("sign"), act("press")}, model.CaseSigned, true, nil},
		{"press twice is harmless", []model.Transition{act("press"), act("press")}, model.CaseOpen, false, nil},
		{"unknown action", []model.Transition{act("approve")}, model.CaseOpen, false, store.ErrInvalidTransition},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := openLedgerCase(t, s, fmt.Sprintf("ledger:%d", i), t0)
			var (
				got     model.Case
				changed bool
				err     error
			)
			for j, step := range tt.steps {
				step.Actor, step.RemoteAddr, step.Via = "张三", "10.0.0.7:51234", "link"
				got, changed, err = s.TransitionCase(ctx, c.ID, step, t0.Add(time.Duration(j+1)*time.Hour))
				if j < len(tt.steps)-1 && err != nil {
					t.Fatalf("step %d: %v", j, err)
				}
			}
			if !errors.Is(err, tt.wantErr) || err != nil && tt.wantErr == nil {
				t.Fatalf("last step: err = %v, want %v", err, tt.wantErr)
			}
			stored, _ := s.Case(ctx, c.ID)
			if stored.State != tt.state || err == nil && (got.State != tt.state || changed != tt.changed) {
				t.Errorf("state %s (returned %s), changed %v; want %s, %v", stored.State, got.State, changed, tt.state, tt.changed)
			}
		})
	}
}

// testLedgerAudit checks what a response records: its time meets the
// deadlines it fulfils, and the audit trail says who, when, what, from
// where.
func testLedgerAudit(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	c := openLedgerCase(t, s, "audit:1", t0)
	publishedAt := t0.Add(40 * time.Hour)
	got, changed, err := s.TransitionCase(ctx, c.ID, model.Transition{Action: model.ActionRespond, Actor: "李四 (sthjj)",
		Via: "api", RemoteAddr: "10.1.2.3:4567", ResponseText: "已责令停产整改", At: publishedAt}, t0.Add(50*time.Hour))
	if err != nil || !changed {
		t.Fatal(changed, err)
	}
	d := got.Deadlines[0]
	if !got.RespondedAt.Equal(publishedAt) || !d.MetAt.Equal(publishedAt) || !d.OnTime() || !d.NextCheckAt.IsZero() {
		t.Errorf("responded at %v, deadline %+v: want met on time at the response's own time", got.RespondedAt, d)
	}
	if !got.SignedAt.Equal(t0.Add(50 * time.Hour)) {
		t.Errorf("responding unsigned: signed at %v, want the time of the request", got.SignedAt)
	}
	evs, err := s.CaseEvents(ctx, c.ID)
	if err != nil || len(evs) != 2 {
		t.Fatalf("events = %+v, %v", evs, err)
	}
	e := evs[1]
	want := model.CaseEvent{ID: e.ID, CaseID: c.ID, At: t0.Add(50 * time.Hour), Actor: "李四 (sthjj)", Action: "respond",
		FromState: model.CaseOpen, ToState: model.CaseResponded, RemoteAddr: "10.1.2.3:4567",
		Detail: "途径：API；回应内容：已责令停产整改；发生时间：" + publishedAt.Format(time.RFC3339)}
	if e != want {
		t.Errorf("audit row\n got %+v\nwant %+v", e, want)
	}
	// A response claimed in the future is taken as made now.
	c2 := openLedgerCase(t, s, "audit:2", t0)
	got, _, err = s.TransitionCase(ctx, c2.ID, model.Transition{Action: model.ActionRespond, Actor: "王五",
		ResponseURL: "https://x.gov.cn/1", At: t0.Add(100 * time.Hour)}, t0.Add(time.Hour))
	if err != nil || !got.RespondedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("future response time: %v, %v", got.RespondedAt, err)
	}
	if _, _, err := s.TransitionCase(ctx, 999999, model.Transition{Action: "sign", Actor: "x"}, t0); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("unknown case: err = %v, want ErrNotFound", err)
	}
}

func testSilences(t *testing.T, b backend) {
	ctx := context.Background()
	s := openStore(t, b.newDSN(t))
	mk := func(si model.Silence) model.Silence {
		t.Helper()
		si.Reason, si.Author = "已统一回应", "政务公开办"
		got, err := s.CreateSilence(ctx, si, t0)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	now := mk(model.Silence{StoryID: "s1", EndsAt: t0.Add(2 * time.Hour)})
	later := mk(model.Silence{Topic: "real_estate", Source: "weibo", StartsAt: t0.Add(time.Hour), EndsAt: t0.Add(3 * time.Hour)})
	if now.ID == 0 || !now.StartsAt.Equal(t0) || !now.CreatedAt.Equal(t0) {
		t.Errorf("created %+v: want an id, starting now", now)
	}
	for _, bad := range []model.Silence{
		{EndsAt: t0.Add(time.Hour), Reason: "r", Author: "a"},
		{StoryID: "s", EndsAt: t0.Add(time.Hour), Author: "a"},
		{StoryID: "s", EndsAt: t0.Add(-time.Hour), Reason: "r", Author: "a"},
	} {
		if _, err := s.CreateSilence(ctx, bad, t0); !errors.Is(err, store.ErrInvalidTransition) {
			t.Errorf("CreateSilence(%+v): err = %v, want invalid", bad, err)
		}
	}
	ids := func(ss []model.Silence, err error) []int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, si := range ss {
			out = append(out, si.ID)
		}
		return out
	}
	for _, tc := range []struct {
		at   time.Duration
		want []int64
	}{{0, []int64{now.ID}}, {90 * time.Minute, []int64{now.ID, later.ID}}, {150 * time.Minute, []int64{later.ID}}, {4 * time.Hour, nil}} {
		if got := ids(s.ActiveSilences(ctx, t0.Add(tc.at))); fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("active at +%v = %v, want %v", tc.at, got, tc.want)
		}
	}
	if got := ids(s.Silences(ctx, t0)); len(got) != 2 {
		t.Errorf("Silences = %v, want both", got)
	}
	// Ending: one in force ends now, one to come is removed.
	for _, id := range []int64{now.ID, later.ID, now.ID} {
		if err := s.ExpireSilence(ctx, id, t0.Add(30*time.Minute)); err != nil {
			t.Errorf("ExpireSilence(%d): %v", id, err)
		}
	}
	if got := ids(s.Silences(ctx, t0)); fmt.Sprint(got) != fmt.Sprint([]int64{now.ID}) {
		t.Errorf("after expiring: %v, want the first (ended at +30m) only", got)
	}
	if got := ids(s.ActiveSilences(ctx, t0.Add(31*time.Minute))); len(got) != 0 {
		t.Errorf("active after expiring: %v", got)
	}
	if err := s.ExpireSilence(ctx, 999999, t0); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("ExpireSilence(unknown) = %v, want ErrNotFound", err)
	}
}
