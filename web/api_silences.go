package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/store"
)

// listSilences: GET /api/v1/silences — those in force or to come, the
// configured ones included (from_config).
func (c *Console) listSilences(w http.ResponseWriter, r *http.Request, _ principal) {
	now := c.now()
	stored, err := c.ledger.Silences(r.Context(), now)
	if err != nil {
		c.serverError(w, "list silences", err)
		return
	}
	all := slices.Clone(stored)
	for _, s := range c.silences {
		if s.EndsAt.After(now) {
			all = append(all, s)
		}
	}
	if all == nil {
		all = []model.Silence{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"silences": all})
}

// silenceRequest is the body of POST /api/v1/silences: what to mute, until
// when (ends_at, or for how long: "for", e.g. "6h", "3d"), why, and who.
type silenceRequest struct {
	StoryID  string    `json:"story_id"`
	Topic    string    `json:"topic"`
	Source   string    `json:"source"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	For      string    `json:"for"`
	Reason   string    `json:"reason"`
	Author   string    `json:"author"`
}

// createSilence: POST /api/v1/silences (coordinating office only).
func (c *Console) createSilence(w http.ResponseWriter, r *http.Request, p principal) {
	var req silenceRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "body must be a JSON silence: "+err.Error())
		return
	}
	now := c.now()
	si := model.Silence{StoryID: req.StoryID, Topic: req.Topic, Source: req.Source, StartsAt: req.StartsAt,
		EndsAt: req.EndsAt, Reason: req.Reason, Author: apiActor(req.Author, p)}
	if si.StartsAt.IsZero() {
		si.StartsAt = now
	}
	if req.For != "" {
		d, err := config.ParseDuration(req.For)
		if err != nil || !req.EndsAt.IsZero() {
			writeError(w, http.StatusBadRequest, "give ends_at or a positive for (e.g. 6h, 3d), not both")
			return
		}
		si.EndsAt = si.StartsAt.Add(d.D())
	}
	created, err := c.ledger.CreateSilence(r.Context(), si, now)
	switch {
	case errors.Is(err, store.ErrInvalidTransition):
		writeError(w, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		c.serverError(w, "create silence", err)
		return
	}
	c.log.Info("silence created", "silence_id", created.ID, "story_id", created.StoryID, "topic", created.Topic,
		"source", created.Source, "ends_at", created.EndsAt, "author", created.Author, "reason", created.Reason)
	writeJSON(w, http.StatusCreated, map[string]any{"silence": created})
}

// expireSilence: DELETE /api/v1/silences/{id} ends a silence now
// (coordinating office only).
func (c *Console) expireSilence(w http.ResponseWriter, r *http.Request, p principal) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		writeError(w, http.StatusBadRequest, "silence id must be a positive number")
		return
	}
	err = c.ledger.ExpireSilence(r.Context(), id, c.now())
	switch {
	case errors.Is(err, model.ErrNotFound):
		writeError(w, http.StatusNotFound, "no such silence (configured silences end by editing the configuration)")
		return
	case err != nil:
		c.serverError(w, "expire silence", err)
		return
	}
	c.log.Info("silence ended", "silence_id", id, "by", p.department, "remote_addr", remoteAddr(r))
	w.WriteHeader(http.StatusNoContent)
}
