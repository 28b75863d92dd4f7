package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// maxRequestBody bounds JSON request bodies.
const maxRequestBody = 64 << 10

// transition: POST /api/v1/cases/{id}/actions with a JSON model.Transition
// ({"action":"respond","actor":"张三","response_url":"…"}). The actor
// defaults to the token's department; the audit trail records the
// department, the actor and the remote address.
func (c *Console) transition(w http.ResponseWriter, r *http.Request, p principal) {
	cs, ok := c.visibleCase(w, r, p)
	if !ok {
		return
	}
	var tr model.Transition
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tr); err != nil {
		writeError(w, http.StatusBadRequest, "body must be a JSON transition: "+err.Error())
		return
	}
	tr.Actor = apiActor(tr.Actor, p)
	tr.Via, tr.RemoteAddr = "api", remoteAddr(r)
	updated, changed, err := c.ledger.TransitionCase(r.Context(), cs.ID, tr, c.now())
	switch {
	case errors.Is(err, store.ErrInvalidTransition):
		writeError(w, http.StatusBadRequest, err.Error())
		return
	case errors.Is(err, model.ErrTransition):
		writeError(w, http.StatusConflict, err.Error())
		return
	case err != nil:
		c.serverError(w, "transition case", err)
		return
	}
	if changed {
		c.log.Info("case transition", "case_id", cs.ID, "action", tr.Action, "actor", tr.Actor,
			"state", updated.State, "remote_addr", tr.RemoteAddr)
	}
	writeJSON(w, http.StatusOK, map[string]any{"case": updated, "changed": changed})
}

// apiActor names who acted through the API: the person given, with the
// department whose token was used.
func apiActor(actor string, p principal) string {
	if actor == "" {
		return p.department
	}
	return actor + " (" + p.department + ")"
}
