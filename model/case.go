package model

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Case states of the response ledger (台账). A case moves forward from open;
// false_alarm and rejected end it with a reason (kept to tune the rules).
const (
	CaseOpen       = "open"        // 待签收
	CaseSigned     = "signed"      // 已签收
	CaseHandling   = "handling"    // 处置中
	CaseResponded  = "responded"   // 已回应
	CaseClosed     = "closed"      // 已办结
	CaseFalseAlarm = "false_alarm" // 误报
	CaseRejected   = "rejected"    // 驳回
)

// Deadline kinds: what is owed by when under the State Council rules.
const (
	DeadlineFirstInfo = "first_info"       // 发布权威信息 (Ⅰ/Ⅱ: 5 h)
	DeadlinePress     = "press_conference" // 召开新闻发布会 (Ⅰ/Ⅱ: 24 h)
	DeadlineResponse  = "response"         // 予以回应 (others: 48 h)
)

// Deadline is one statutory deadline of a case. MetAt is zero until what is
// owed has been done.
type Deadline struct {
	Kind  string    `json:"kind"`
	Name  string    `json:"name"` // Chinese, e.g. 发布权威信息
	Due   time.Time `json:"due"`
	MetAt time.Time `json:"met_at,omitzero"`
	// Notified is the highest share of the deadline's time (percent: 50,
	// 80, 100 for the escalation) that has been acted on, so that a
	// restarted ticker never reminds twice.
	Notified int `json:"notified,omitempty"`
	// NextCheckAt is when the ticker looks at the deadline again; zero
	// when nothing more is to be done (met, escalated, or the case ended).
	NextCheckAt time.Time `json:"next_check_at,omitzero"`
}

// Met reports whether what is owed has been done.
func (d Deadline) Met() bool { return !d.MetAt.IsZero() }

// OnTime reports whether the deadline was met by its due time.
func (d Deadline) OnTime() bool { return d.Met() && !d.MetAt.After(d.Due) }

// Case is the response owed by one department for one story (an item and
// every later article of the same story).
type Case struct {
	ID int64 `json:"id"`
	// ItemID is the story's first item that reached the department.
	ItemID         string   `json:"item_id"`
	StoryID        string   `json:"story_id,omitempty"`
	Department     string   `json:"department"`
	DepartmentName string   `json:"department_name,omitempty"`
	State          string   `json:"state"`
	Lead           bool     `json:"lead"`
	Topics         []string `json:"topics"`
	Regions        []string `json:"regions,omitempty"`
	// Severity is the highest the story reached: it is only ever raised.
	Severity Severity `json:"severity,omitzero"`
	Title    string   `json:"title,omitempty"`
	URL      string   `json:"url,omitempty"`
	// Articles counts the story's items attached to the case; Sources lists
	// their distinct sources in the order they appeared.
	Articles int      `json:"articles,omitempty"`
	Sources  []string `json:"sources,omitempty"`

	// The statutory clock: FirstPublishedAt and DetectedAt are the earliest
	// publication and detection of the story; ClockStart is when its
	// deadlines are counted from.
	FirstPublishedAt time.Time  `json:"first_published_at,omitzero"`
	DetectedAt       time.Time  `json:"detected_at,omitzero"`
	ClockStart       time.Time  `json:"clock_start,omitzero"`
	Deadlines        []Deadline `json:"deadlines,omitempty"`

	OpenedAt     time.Time `json:"opened_at"`
	UpdatedAt    time.Time `json:"updated_at,omitzero"`
	SignedAt     time.Time `json:"signed_at,omitzero"`
	RespondedAt  time.Time `json:"responded_at,omitzero"`
	PressAt      time.Time `json:"press_at,omitzero"`
	ClosedAt     time.Time `json:"closed_at,omitzero"`
	ResponseURL  string    `json:"response_url,omitempty"`
	ResponseText string    `json:"response_text,omitempty"`
	// Reason explains a false alarm or a rejection.
	Reason string `json:"reason,omitempty"`
	// EscalatedAt is when a missed deadline was first reported to the
	// supervising office.
	EscalatedAt time.Time `json:"escalated_at,omitzero"`

	// GroupKey joins the cases whose messages may be merged into one
	// (same department and the same values of the route's group_by).
	GroupKey string       `json:"group_key,omitempty"`
	Schedule CaseSchedule `json:"schedule"`
}

// CaseSchedule is the message bookkeeping of a case: the route's timing
// and what the department was last told.
type CaseSchedule struct {
	GroupWait      time.Duration `json:"group_wait"`
	GroupInterval  time.Duration `json:"group_interval"`
	RepeatInterval time.Duration `json:"repeat_interval"`

	LastNotifiedAt   time.Time `json:"last_notified_at,omitzero"`
	NotifiedSeverity Severity  `json:"notified_severity,omitzero"`
	NotifiedArticles int       `json:"notified_articles,omitempty"`
	NotifiedSources  int       `json:"notified_sources,omitempty"`
	Updates          int       `json:"updates,omitempty"`
	Repeats          int       `json:"repeats,omitempty"`
	// UpdateDueAt is when a held-back update goes out; NextRepeatAt when
	// an unsigned case is announced again. Zero: nothing scheduled.
	UpdateDueAt  time.Time `json:"update_due_at,omitzero"`
	NextRepeatAt time.Time `json:"next_repeat_at,omitzero"`
}

// Ended reports whether the case needs nothing more: closed, or dismissed
// as a false alarm or rejected.
func (c Case) Ended() bool { return CaseEnded(c.State) }

// Deadline returns the case's deadline of the given kind.
func (c Case) Deadline(kind string) (Deadline, bool) {
	for _, d := range c.Deadlines {
		if d.Kind == kind {
			return d, true
		}
	}
	return Deadline{}, false
}

// Delivery is one alert queued for one receiver in the durable outbox.
type Delivery struct {
	ID            int64     `json:"id"`
	CaseID        int64     `json:"case_id"`
	Receiver      string    `json:"receiver"`
	Payload       []byte    `json:"-"`
	Attempts      int       `json:"attempts"`
	CreatedAt     time.Time `json:"created_at"`
	NextAttemptAt time.Time `json:"next_attempt_at"`
	LastError     string    `json:"last_error,omitempty"`
}

// CaseOpening asks for a case to be opened (or grown) for one department and
// its alert to be queued for each of the department's receivers.
type CaseOpening struct {
	Department     string   `json:"department"`
	DepartmentName string   `json:"department_name"`
	Receivers      []string `json:"receivers"`
	// Lead is true for the responsible department, false for co-responders.
	Lead bool `json:"lead"`
	// Topics are the topics that brought the case to this department; empty
	// means all topics of the item.
	Topics []string `json:"topics,omitempty"`
	// Path explains the routing decision, for the audit trail.
	Path []string `json:"path,omitempty"`
	// GroupKey and the timing come from the route that chose the
	// department.
	GroupKey       string        `json:"group_key,omitempty"`
	GroupWait      time.Duration `json:"group_wait,omitempty"`
	GroupInterval  time.Duration `json:"group_interval,omitempty"`
	RepeatInterval time.Duration `json:"repeat_interval,omitempty"`
	// Quiet is set for a silenced item: it grows the department's case of
	// its story if there is one, opens none and sends nothing.
	Quiet bool `json:"quiet,omitempty"`
}

// CaseChange is a case being opened, grown by an item, or advanced by the
// clock. The store builds it inside its transaction and hands it to a
// CasePolicy, which edits Case (deadlines, schedule, escalation), and
// appends Messages and Events; the store then saves all of it at once.
type CaseChange struct {
	Now time.Time
	// Opened is set for a new case, Grew when an item was added to it;
	// neither is set when the clock advances a case.
	Opened, Grew bool
	// Before is the case as it was (zero when Opened); Case as it will be
	// saved, with the item's counts already applied.
	Before Case
	Case   Case
	// Item is the item that caused the change, or the case's first item
	// when the clock advances it.
	Item TaggedItem
	// Opening is the routing decision (zero when the clock advances a case).
	Opening CaseOpening
	// Peers are the other cases of the same story, any department.
	Peers []Case
	// Links are the latest articles of the case, newest first.
	Links []Link
	// GroupDueAt is when the not yet sent first alerts of other cases of
	// the same group go out, if later than Now.
	GroupDueAt time.Time

	Messages []CaseMessage
	Events   []CaseEvent
}

// CaseMessage is a message about a case for some receivers, queued in the
// outbox under Key (see model.Alert kinds; "" for the first alert) so that
// it is never queued twice.
type CaseMessage struct {
	Key       string
	Receivers []string
	Alert     Alert
	// DueAt is when it may go out; zero or past means at once.
	DueAt time.Time
}

// CasePolicy decides, inside the store's transaction, what a change means:
// deadlines, messages, audit events. It must not block.
type CasePolicy func(*CaseChange)

// CaseEvent is one row of a case's audit trail: who did what, when and from
// where. System decisions (opened, reminded, escalated …) have the actor
// "system".
type CaseEvent struct {
	ID         int64     `json:"id"`
	CaseID     int64     `json:"case_id"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`
	FromState  string    `json:"from_state,omitempty"`
	ToState    string    `json:"to_state,omitempty"`
	Detail     string    `json:"detail,omitempty"`
	RemoteAddr string    `json:"remote_addr,omitempty"`
}

// ActorSystem is the actor of the events yuqing itself records.
const ActorSystem = "system"

// Ledger actions: what an officer (or the coordinating office) does to a
// case, through the API or a signed link.
const (
	ActionSign       = "sign"        // 签收: open → signed
	ActionHandle     = "handle"      // 处置: open, signed → handling
	ActionRespond    = "respond"     // 回应: open, signed, handling → responded
	ActionPress      = "press"       // 发布会: records the press conference, keeps the state
	ActionClose      = "close"       // 办结: responded → closed
	ActionFalseAlarm = "false_alarm" // 误报: open, signed, handling → false_alarm
	ActionReject     = "reject"      // 驳回: open, signed, handling → rejected
)

// ErrTransition is wrapped by the error of an action the case's state does
// not allow.
var ErrTransition = errors.New("action not allowed in this state")

// ledgerActions is the ledger's state machine: for each action, the states
// it may start from and the state it leads to ("" keeps the state), and the
// states in which it counts as done already (a repeated request changes
// nothing and is not an error).
var ledgerActions = map[string]struct {
	from []string
	to   string
	done []string
}{
	ActionSign:       {[]string{CaseOpen}, CaseSigned, []string{CaseSigned, CaseHandling, CaseResponded, CaseClosed}},
	ActionHandle:     {[]string{CaseOpen, CaseSigned}, CaseHandling, []string{CaseHandling, CaseResponded, CaseClosed}},
	ActionRespond:    {[]string{CaseOpen, CaseSigned, CaseHandling}, CaseResponded, []string{CaseResponded, CaseClosed}},
	ActionPress:      {[]string{CaseOpen, CaseSigned, CaseHandling, CaseResponded}, "", nil},
	ActionClose:      {[]string{CaseResponded}, CaseClosed, []string{CaseClosed}},
	ActionFalseAlarm: {[]string{CaseOpen, CaseSigned, CaseHandling}, CaseFalseAlarm, []string{CaseFalseAlarm}},
	ActionReject:     {[]string{CaseOpen, CaseSigned, CaseHandling}, CaseRejected, []string{CaseRejected}},
}

// NextState returns the state action leads to from state. done is true
// when the action has been done already (a second click on a link): the
// caller then changes nothing. An action the state does not allow wraps
// ErrTransition.
func NextState(state, action string) (next string, done bool, err error) {
	rule, ok := ledgerActions[action]
	if !ok {
		return "", false, fmt.Errorf("unknown action %q", action)
	}
	if slices.Contains(rule.from, state) {
		if rule.to == "" {
			return state, false, nil
		}
		return rule.to, false, nil
	}
	if slices.Contains(rule.done, state) {
		return state, true, nil
	}
	return "", false, fmt.Errorf("%w: %s a case that is %s", ErrTransition, action, state)
}

// CaseEnded reports whether a case in this state needs nothing more.
func CaseEnded(state string) bool {
	return state == CaseClosed || state == CaseFalseAlarm || state == CaseRejected
}

// DeadlinesMetBy returns the deadline kinds an action fulfils: a response
// is the first authoritative information as well as the response owed; the
// press conference is recorded on its own.
func DeadlinesMetBy(action string) []string {
	switch action {
	case ActionRespond:
		return []string{DeadlineFirstInfo, DeadlineResponse}
	case ActionPress:
		return []string{DeadlinePress}
	}
	return nil
}

var stateNames = map[string]string{
	CaseOpen: "待签收", CaseSigned: "已签收", CaseHandling: "处置中", CaseResponded: "已回应",
	CaseClosed: "已办结", CaseFalseAlarm: "误报", CaseRejected: "驳回",
}

var actionNames = map[string]string{
	ActionSign: "签收", ActionHandle: "处置", ActionRespond: "回应", ActionPress: "召开新闻发布会",
	ActionClose: "办结", ActionFalseAlarm: "误报", ActionReject: "驳回",
}

// StateName returns the Chinese name of a case state, e.g. 待签收.
func StateName(state string) string {
	if n, ok := stateNames[state]; ok {
		return n
	}
	return state
}

// ActionName returns the Chinese name of a ledger action, e.g. 签收.
func ActionName(action string) string {
	if n, ok := actionNames[action]; ok {
		return n
	}
	return action
}

// Transition is one ledger action on a case, with who did it and from
// where (for the audit trail).
type Transition struct {
	Action string `json:"action"`
	// Actor names who acted: the officer's name, or the department whose
	// token was used.
	Actor      string `json:"actor"`
	RemoteAddr string `json:"-"`
	// Via says how the action arrived: "api" or "link".
	Via string `json:"-"`
	// Reason is required for false_alarm and reject.
	Reason string `json:"reason,omitempty"`
	// ResponseURL or ResponseText is required for respond.
	ResponseURL  string `json:"response_url,omitempty"`
	ResponseText string `json:"response_text,omitempty"`
	// At is when the response was published or the press conference held,
	// if earlier than now; zero means now.
	At time.Time `json:"at,omitzero"`
}

// Validate checks that the transition carries what its action needs.
func (t Transition) Validate() error {
	if _, ok := ledgerActions[t.Action]; !ok {
		return fmt.Errorf("unknown action %q", t.Action)
	}
	switch {
	case strings.TrimSpace(t.Actor) == "":
		return errors.New("actor is required")
	case (t.Action == ActionFalseAlarm || t.Action == ActionReject) && strings.TrimSpace(t.Reason) == "":
		return fmt.Errorf("%s needs a reason", t.Action)
	case t.Action == ActionRespond && strings.TrimSpace(t.ResponseURL) == "" && strings.TrimSpace(t.ResponseText) == "":
		return errors.New("respond needs a response URL or text")
	}
	return nil
}
