// Package logger delivers alerts to the process log. It is the receiver of
// the built-in configuration and a safe default while real channels are
// being set up.
package logger

import (
	"context"
	"log/slog"
	"slices"

	"github.com/yuqing/yuqing/model"
)

// Notifier writes each alert as one info record. It implements
// alert.Notifier and never fails.
type Notifier struct {
	name string
	log  *slog.Logger
}

// New returns the log receiver called name writing to l (nil: discard).
func New(name string, l *slog.Logger) *Notifier {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return &Notifier{name: name, log: l}
}

// Notify logs a.
func (n *Notifier) Notify(ctx context.Context, a model.Alert) (bool, error) {
	n.log.LogAttrs(ctx, slog.LevelInfo, "alert",
		slog.String("receiver", n.name),
		slog.String("department", a.Department),
		slog.String("department_name", a.DepartmentName),
		slog.Int64("case_id", a.CaseID),
		slog.String("item_id", a.Item.ID),
		slog.String("title", a.Item.Title),
		slog.String("url", a.Item.URL),
		slog.Any("topics", a.Analysis.TopicIDs()),
		slog.Any("terms", terms(a.Analysis.Topics)),
		slog.String("severity", a.Analysis.Severity.String()),
	)
	return false, nil
}

// terms lists the words that made the topic matches, each once, in the
// order found: the officer reading the log sees why the alert fired.
func terms(topics []model.TopicMatch) []string {
	var out []string
	for _, t := range topics {
		for _, term := range t.Terms {
			if !slices.Contains(out, term) {
				out = append(out, term)
			}
		}
	}
	return out
}
