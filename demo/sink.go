package demo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/yuqing/yuqing/alert/notify/webhook"
	"github.com/yuqing/yuqing/model"
)

const (
	// signatureTolerance bounds the clock difference between sender and
	// sink; older deliveries are treated as replays.
	signatureTolerance = 5 * time.Minute
	// maxBodyBytes is far above any alert (an item's content is capped by
	// ingest) and keeps a runaway sender from filling memory.
	maxBodyBytes = 1 << 20
	// alertBuffer is generous: the demo produces a few dozen alerts.
	alertBuffer = 1024
)

// Received is one alert as the sink got it.
type Received struct {
	Department     string
	DepartmentName string
	Title          string
	URL            string
	Topics         []TopicTerms
	Regions        []string
	CaseID         int64
	// Delivery is the X-Yuqing-Delivery header (the outbox delivery id).
	Delivery string
	// Lead is true for the department in charge, false for a co-responder.
	Lead     bool
	Severity model.Severity
	// Deadline is the first statutory deadline of the case, if any.
	Deadline *model.Deadline
	// SignURL is the signed link an officer follows to sign for the case.
	SignURL string
	// Digest is true when the alert arrived merged with others of its group.
	Digest bool
}

// TopicTerms is a matched topic with the words that matched.
type TopicTerms struct {
	ID    string
	Name  string
	Terms []string
}

// Sink is the demo's webhook receiver for alert/notify/webhook. It verifies
// each delivery's signature with webhook.Verify, records the alert and hands
// it to Alerts. A delivery id seen before is acknowledged again but not
// recorded twice, because the sender retries when an answer is lost.
type Sink struct {
	secret    []byte
	tolerance time.Duration
	now       func() time.Time
	alerts    chan Received

	mu         sync.Mutex
	seen       map[string]bool
	count      int
	rejected   int
	dropped    int
	duplicates int
}

// NewSink returns a sink that accepts deliveries signed with secret. An
// empty secret accepts unsigned deliveries (a webhook configured without a
// secret sends none).
func NewSink(secret []byte) *Sink {
	return newSink(secret, alertBuffer, time.Now)
}

func newSink(secret []byte, buffer int, now func() time.Time) *Sink {
	return &Sink{
		secret:    append([]byte(nil), secret...),
		tolerance: signatureTolerance,
		now:       now,
		alerts:    make(chan Received, buffer),
		seen:      map[string]bool{},
	}
}

// ServeHTTP verifies the signature, decodes the alert, records it and
// answers 200. A bad signature gets 401, a bad body 400 (or 413 when too
// large); both count as rejected.
func (s *Sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		status := http.StatusBadRequest
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			status = http.StatusRequestEntityTooLarge
		}
		s.reject(w, status, fmt.Errorf("demo: read body: %w", err))
		return
	}
	if err := s.verify(r.Header, body); err != nil {
		s.reject(w, http.StatusUnauthorized, err)
		return
	}
	recs, err := decodeAlerts(body, r.Header.Get(webhook.HeaderDelivery))
	if err != nil {
		s.reject(w, http.StatusBadRequest, err)
		return
	}
	for _, rec := range recs {
		s.record(rec)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

func (s *Sink) reject(w http.ResponseWriter, status int, err error) {
	s.mu.Lock()
	s.rejected++
	s.mu.Unlock()
	http.Error(w, err.Error(), status)
}

// record counts the alert and offers it to the channel without ever
// blocking the handler: when nobody reads, alerts beyond the buffer are
// counted as dropped (see Dropped) instead of stalling the sender.
func (s *Sink) record(rec Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec.Delivery != "" {
		if s.seen[rec.Delivery] {
			s.duplicates++
			return
		}
		s.seen[rec.Delivery] = true
	}
	s.count++
	select {
	case s.alerts <- rec:
	default:
		s.dropped++
	}
}

// Alerts delivers each accepted alert once. It is never closed. Its buffer
// holds 1024 alerts; beyond that, alerts nobody has read are dropped from
// the channel (they are still counted by Count) and counted by Dropped.
func (s *Sink) Alerts() <-chan Received { return s.alerts }

// Count is the number of distinct alerts accepted.
func (s *Sink) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Rejected is the number of deliveries refused for a bad signature or body.
func (s *Sink) Rejected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

// Dropped is the number of accepted alerts that did not fit in the Alerts
// buffer because nobody was reading it.
func (s *Sink) Dropped() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Duplicates is the number of redelivered alerts (a delivery id seen
// before) that were acknowledged but not recorded again.
func (s *Sink) Duplicates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.duplicates
}

// verify checks the signature with the sender's own rules. Without a
// secret there is nothing to check: the sender does not sign either.
func (s *Sink) verify(h http.Header, body []byte) error {
	if len(s.secret) == 0 {
		return nil
	}
	if err := webhook.Verify(s.secret, h, body, s.now(), s.tolerance); err != nil {
		return fmt.Errorf("demo: verify delivery: %w", err)
	}
	return nil
}

// decodeAlerts reads a webhook body: one alert, or a digest of several
// (its header delivery is then the digest's, each entry carries its own).
// Unknown fields are allowed so that the sender may add some without
// breaking receivers.
func decodeAlerts(body []byte, delivery string) ([]Received, error) {
	var p struct {
		webhook.Payload
		Deliveries []struct {
			DeliveryID int64       `json:"delivery_id"`
			Alert      model.Alert `json:"alert"`
		} `json:"deliveries"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, fmt.Errorf("demo: decode alert: %w", err)
	}
	switch {
	case p.Version != webhook.PayloadVersion:
		return nil, fmt.Errorf("demo: decode alert: want version %q, got %q", webhook.PayloadVersion, p.Version)
	case p.Kind == webhook.PayloadKind:
		rec := received(p.Alert)
		rec.Delivery = delivery
		return []Received{rec}, nil
	case p.Kind == webhook.DigestKind && len(p.Deliveries) > 0:
		recs := make([]Received, len(p.Deliveries))
		for i, d := range p.Deliveries {
			recs[i] = received(d.Alert)
			recs[i].Delivery, recs[i].Digest = strconv.FormatInt(d.DeliveryID, 10), true
		}
		return recs, nil
	}
	return nil, fmt.Errorf("demo: decode alert: want kind %q or %q, got %q", webhook.PayloadKind, webhook.DigestKind, p.Kind)
}

// received is what the terminal shows of an alert.
func received(a model.Alert) Received {
	rec := Received{
		Department:     a.Department,
		DepartmentName: a.DepartmentName,
		Title:          a.Item.Title,
		URL:            a.Item.URL,
		Regions:        a.Analysis.Regions,
		CaseID:         a.CaseID,
	}
	for _, t := range a.Analysis.Topics {
		rec.Topics = append(rec.Topics, TopicTerms{ID: t.ID, Name: t.Name, Terms: t.Terms})
	}
	rec.Lead, rec.Severity = a.Lead, a.Analysis.Severity
	if len(a.Deadlines) > 0 {
		d := a.Deadlines[0]
		rec.Deadline = &d
	}
	for _, act := range a.Actions {
		if act.Name == model.LinkSign {
			rec.SignURL = act.URL
		}
	}
	return rec
}
