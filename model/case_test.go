package model

import (
	"errors"
	"testing"
	"time"
)

// TestLedgerStateMachine lists every action from every state: the state it
// leads to, whether it is done already, or that it is not allowed.
func TestLedgerStateMachine(t *testing.T) {
	const no, done = "×", "="
	states := []string{CaseOpen, CaseSigned, CaseHandling, CaseResponded, CaseClosed, CaseFalseAlarm, CaseRejected}
	// One row per action, one column per state in the order above.
	table := map[string][]string{
		ActionSign:       {CaseSigned, done, done, done, done, no, no},
		ActionHandle:     {CaseHandling, CaseHandling, done, done, done, no, no},
		ActionRespond:    {CaseResponded, CaseResponded, CaseResponded, done, done, no, no},
		ActionPress:      {CaseOpen, CaseSigned, CaseHandling, CaseResponded, no, no, no},
		ActionClose:      {no, no, no, CaseClosed, done, no, no},
		ActionFalseAlarm: {CaseFalseAlarm, CaseFalseAlarm, CaseFalseAlarm, no, no, done, no},
		ActionReject:     {CaseRejected, CaseRejected, CaseRejected, no, no, no, done},
	}
	for action, row := range table {
		for i, from := range states {
			next, isDone, err := NextState(from, action)
			switch want := row[i]; want {
			case no:
				if !errors.Is(err, ErrTransition) {
					t.Errorf("%s from %s: got %q, %v, %v; want not allowed", action, from, next, isDone, err)
				}
			case done:
				if err != nil || !isDone || next != from {
					t.Errorf("%s from %s: got %q, %v, %v; want done already", action, from, next, isDone, err)
				}
			default:
				if err != nil || isDone || next != want {
					t.Errorf("%s from %s: got %q, %v, %v; want %s", action, from, next, isDone, err, want)
				}
			}
		}
	}
	if _, _, err := NextState(CaseOpen, "approve"); err == nil || errors.Is(err, ErrTransition) {
		t.Errorf("unknown action: %v", err)
	}
	if len(table) != len(ledgerActions) {
		t.Errorf("the table covers %d actions, the ledger has %d", len(table), len(ledgerActions))
	}
}

func TestTransitionAndSilenceValidate(t *testing.T) {
	ok := []Transition{
		{Action: ActionSign, Actor: "张三"},
		{Action: ActionRespond, Actor: "张三", ResponseText: "已回应"},
		{Action: ActionReject, Actor: "张三", Reason: "不属本单位"},
	}
	bad := []Transition{
		{Action: ActionSign},
		{Action: "approve", Actor: "张三"},
		{Action: ActionRespond, Actor: "张三"},
		{Action: ActionFalseAlarm, Actor: "张三", Reason: "  "},
	}
	for _, tr := range ok {
		if err := tr.Validate(); err != nil {
			t.Errorf("%+v: %v", tr, err)
		}
	}
	for _, tr := range bad {
		if err := tr.Validate(); err == nil {
			t.Errorf("%+v validated", tr)
		}
	}
	t0 := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	s := Silence{Topic: "real_estate", Source: "weibo", StartsAt: t0, EndsAt: t0.Add(time.Hour), Reason: "r", Author: "a"}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if !s.Mutes("any", "real_estate", "weibo") || s.Mutes("any", "real_estate", "forum") || s.Mutes("any", "ecology", "weibo") {
		t.Error("Mutes must require every field set")
	}
	if !s.ActiveAt(t0) || s.ActiveAt(t0.Add(time.Hour)) {
		t.Error("a silence holds from its start until (not including) its end")
	}
}
