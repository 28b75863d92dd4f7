package web

import (
	"net/http"
	"time"

	"github.com/yuqing/yuqing/model"
)

// defaultTimelinessPeriod is the period reported when none is given.
const defaultTimelinessPeriod = 7 * 24 * time.Hour

// timeliness: GET /api/v1/timeliness?from=&to= — per department, how the
// cases opened in [from, to) were answered (dates as 2006-01-02 in the
// console's zone, or RFC 3339; default the last 7 days). A department sees
// its own row.
func (c *Console) timeliness(w http.ResponseWriter, r *http.Request, p principal) {
	to, err := c.parseTime(r.URL.Query().Get("to"), c.now())
	if err != nil {
		writeError(w, http.StatusBadRequest, "to: "+err.Error())
		return
	}
	from, err := c.parseTime(r.URL.Query().Get("from"), to.Add(-defaultTimelinessPeriod))
	if err != nil || !from.Before(to) {
		writeError(w, http.StatusBadRequest, "from must be a time before to")
		return
	}
	rows, err := c.ledger.Timeliness(r.Context(), from, to)
	if err != nil {
		c.serverError(w, "timeliness", err)
		return
	}
	out := []model.Timeliness{}
	for _, row := range rows {
		if p.all || row.Department == p.department {
			out = append(out, row)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": to, "departments": out})
}

func (c *Console) parseTime(s string, def time.Time) (time.Time, error) {
	if s == "" {
		return def, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02", s, c.loc)
}
