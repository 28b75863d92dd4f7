package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// Ledger is what the console needs from the store.
type Ledger interface {
	Case(ctx context.Context, id int64) (model.Case, error)
	Cases(ctx context.Context, f store.CaseFilter) ([]model.Case, error)
	CaseEvents(ctx context.Context, id int64) ([]model.CaseEvent, error)
	CaseLinks(ctx context.Context, id int64, limit int) ([]model.Link, error)
	TransitionCase(ctx context.Context, id int64, tr model.Transition, now time.Time) (model.Case, bool, error)
	CreateSilence(ctx context.Context, s model.Silence, now time.Time) (model.Silence, error)
	Silences(ctx context.Context, now time.Time) ([]model.Silence, error)
	ExpireSilence(ctx context.Context, id int64, now time.Time) error
	Timeliness(ctx context.Context, from, to time.Time) ([]model.Timeliness, error)
}

// ConsoleOptions configure the JSON API and the action pages. Ledger and
// Departments are required.
type ConsoleOptions struct {
	Ledger      Ledger
	Departments []config.Department
	// Coordinator is the department whose token sees every case and
	// manages silences.
	Coordinator string
	// Links checks action links; nil serves no action pages.
	Links *Links
	// Silences are the configured ones, listed with the stored ones.
	Silences []model.Silence
	// TopicNames maps topic ids to their Chinese names, for the pages.
	TopicNames map[string]string
	// Location is where times are shown (default UTC+8).
	Location *time.Location
	Now      func() time.Time
	Logger   *slog.Logger
}

// Console serves the case ledger: a JSON API for departments (a bearer
// token each; the coordinating office sees everything) and the small
// Chinese pages the signed links of messages lead to.
type Console struct {
	ledger      Ledger
	departments map[string]config.Department
	coordinator string
	links       *Links
	silences    []model.Silence
	topicNames  map[string]string
	loc         *time.Location
	now         func() time.Time
	log         *slog.Logger
}

// NewConsole checks the options.
func NewConsole(o ConsoleOptions) (*Console, error) {
	if o.Ledger == nil {
		return nil, errors.New("web: new console: no ledger")
	}
	c := &Console{ledger: o.Ledger, departments: map[string]config.Department{}, coordinator: o.Coordinator,
		links: o.Links, silences: o.Silences, topicNames: o.TopicNames, loc: o.Location, now: o.Now, log: o.Logger}
	for _, d := range o.Departments {
		c.departments[d.Code] = d
	}
	if c.loc == nil {
		c.loc = time.FixedZone("CST", 8*3600)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	c.log = c.log.With("component", "web.console")
	return c, nil
}

// Register adds the console's routes with handle (e.g. Server.Handle).
func (c *Console) Register(handle func(pattern string, h http.Handler)) {
	handle("GET /api/v1/cases", c.auth(c.listCases))
	handle("GET /api/v1/cases/{id}", c.auth(c.getCase))
	handle("POST /api/v1/cases/{id}/actions", c.auth(c.transition))
	handle("GET /api/v1/silences", c.auth(c.coordinatorOnly(c.listSilences)))
	handle("POST /api/v1/silences", c.auth(c.coordinatorOnly(c.createSilence)))
	handle("DELETE /api/v1/silences/{id}", c.auth(c.coordinatorOnly(c.expireSilence)))
	handle("GET /api/v1/timeliness", c.auth(c.timeliness))
	if c.links != nil {
		page := c.actionPage()
		handle("GET /act/{id}/{action}", page)
		// Browsers' cross-site POSTs are refused on top of the signature.
		handle("POST /act/{id}/{action}", http.NewCrossOriginProtection().Handler(page))
	}
}

// principal is who a request acts for.
type principal struct {
	department string
	all        bool // the coordinating office
}

func (p principal) sees(c model.Case) bool { return p.all || c.Department == p.department }

type apiHandler func(w http.ResponseWriter, r *http.Request, p principal)

// auth finds the department of the bearer token; requests without a known
// token are refused.
func (c *Console) auth(h apiHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		p, known := c.principalOf(strings.TrimSpace(token))
		if !ok || !known {
			w.Header().Set("WWW-Authenticate", `Bearer realm="yuqing"`)
			writeError(w, http.StatusUnauthorized, "a department token is required (Authorization: Bearer <token>)")
			return
		}
		h(w, r, p)
	})
}

func (c *Console) principalOf(token string) (principal, bool) {
	found, p := false, principal{}
	for code, d := range c.departments {
		want := d.Token.Reveal()
		// Every token is compared, in constant time, so timing tells nothing.
		if want != "" && subtle.ConstantTimeCompare([]byte(token), []byte(want)) == 1 {
			found, p = true, principal{department: code, all: code == c.coordinator}
		}
	}
	return p, found && token != ""
}

func (c *Console) coordinatorOnly(h apiHandler) apiHandler {
	return func(w http.ResponseWriter, r *http.Request, p principal) {
		if !p.all {
			writeError(w, http.StatusForbidden, "only the coordinating office may do this")
			return
		}
		h(w, r, p)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// remoteAddr is where a request came from, with what a proxy says it
// forwarded, for the audit trail.
func remoteAddr(r *http.Request) string {
	if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
		return fmt.Sprintf("%s (X-Forwarded-For: %s)", r.RemoteAddr, fwd)
	}
	return r.RemoteAddr
}
