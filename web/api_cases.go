package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// API list limits.
const (
	defaultListLimit = 100
	maxListLimit     = 1000
	caseLinksShown   = 20
)

// listCases: GET /api/v1/cases?state=&department=&story=&limit= — newest
// first; a department sees its own cases only.
func (c *Console) listCases(w http.ResponseWriter, r *http.Request, p principal) {
	q := r.URL.Query()
	f := store.CaseFilter{State: q.Get("state"), StoryID: q.Get("story"), Department: q.Get("department"), Limit: defaultListLimit}
	if !p.all {
		if f.Department != "" && f.Department != p.department {
			writeError(w, http.StatusForbidden, "a department token lists its own cases only")
			return
		}
		f.Department = p.department
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > maxListLimit {
			writeError(w, http.StatusBadRequest, "limit must be between 1 and 1000")
			return
		}
		f.Limit = n
	}
	cases, err := c.ledger.Cases(r.Context(), f)
	if err != nil {
		c.serverError(w, "list cases", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": nonNilCases(cases)})
}

// getCase: GET /api/v1/cases/{id} — the case with its audit trail and
// articles.
func (c *Console) getCase(w http.ResponseWriter, r *http.Request, p principal) {
	cs, ok := c.visibleCase(w, r, p)
	if !ok {
		return
	}
	events, err := c.ledger.CaseEvents(r.Context(), cs.ID)
	if err != nil {
		c.serverError(w, "read case events", err)
		return
	}
	links, err := c.ledger.CaseLinks(r.Context(), cs.ID, caseLinksShown)
	if err != nil {
		c.serverError(w, "read case links", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"case": cs, "events": events, "links": links})
}

// visibleCase loads the case named in the path; a case of another
// department is reported as not found, so tokens cannot probe ids.
func (c *Console) visibleCase(w http.ResponseWriter, r *http.Request, p principal) (model.Case, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "case id must be a positive number")
		return model.Case{}, false
	}
	cs, err := c.ledger.Case(r.Context(), id)
	switch {
	case errors.Is(err, model.ErrNotFound) || err == nil && !p.sees(cs):
		writeError(w, http.StatusNotFound, "no such case")
		return model.Case{}, false
	case err != nil:
		c.serverError(w, "read case", err)
		return model.Case{}, false
	}
	return cs, true
}

func (c *Console) serverError(w http.ResponseWriter, what string, err error) {
	c.log.Error("console request failed", "what", what, "error", err)
	writeError(w, http.StatusInternalServerError, "internal error")
}

func nonNilCases(cs []model.Case) []model.Case {
	if cs == nil {
		return []model.Case{}
	}
	return cs
}
