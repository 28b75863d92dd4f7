package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// livez answers 200 while the process serves HTTP at all.
func livez() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
}

// readyz answers 200 when every check passes, else 503 listing what is not
// ready, so an operator sees the reason in one request.
func readyz(checks []Check) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		var lines []string
		failed := false
		for _, c := range checks {
			if err := c.Check(ctx); err != nil {
				failed = true
				lines = append(lines, fmt.Sprintf("%s: %v", c.Name, err))
				continue
			}
			lines = append(lines, c.Name+": ok")
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if failed {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprintln(w, strings.Join(lines, "\n"))
	})
}
