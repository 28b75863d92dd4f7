package report

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/yuqing/yuqing/model"
)

// ArchiveReader finds an archived rendering by its link token; the store
// implements it.
type ArchiveReader interface {
	ReportByToken(ctx context.Context, token, format string) (model.ArchivedReport, error)
}

var contentTypes = map[string]string{
	"html": "text/html; charset=utf-8",
	"md":   "text/markdown; charset=utf-8",
	"json": "application/json",
	"pdf":  "application/pdf",
}

// Handler serves archived reports at /reports/{token}.{html|md|json|pdf}.
// The token is the unguessable part of the link sent to the receivers; the
// route is meant for a path pattern with the wildcard {file}.
func Handler(archive ArchiveReader, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, format, ok := strings.Cut(r.PathValue("file"), ".")
		ctype, known := contentTypes[format]
		if !ok || !known || !validToken(token) {
			http.NotFound(w, r)
			return
		}
		rep, err := archive.ReportByToken(r.Context(), token, format)
		if errors.Is(err, model.ErrNotFound) {
			http.NotFound(w, r)
			return
		}
		if err != nil {
			logger.Error("read archived report", "err", err)
			http.Error(w, "报告暂时无法读取", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Length", strconv.Itoa(len(rep.Content)))
		h.Set("Content-Disposition", `inline; filename="yuqing-report-`+rep.Period+scopeSuffix(rep.Scope)+"."+format+`"`)
		// The link is a capability: keep it out of caches and referrers.
		h.Set("Cache-Control", "private, no-store")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
		_, _ = w.Write(rep.Content)
	})
}

func scopeSuffix(scope string) string {
	if scope == "" {
		return ""
	}
	return "-" + scope
}

// validToken accepts the 32 lower-case hex digits newToken makes.
func validToken(t string) bool {
	if len(t) != 32 {
		return false
	}
	for _, c := range t {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
