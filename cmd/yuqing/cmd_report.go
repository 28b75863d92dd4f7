package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/yuqing/yuqing/app"
)

func reportCmd(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("report", "report [-c FILE] [--week 2026-W48] [--department CODE] [--format html|md|pdf|json] [-o FILE]",
		`Builds the weekly topic report (舆情周报) of one ISO week from the store: volumes
per hot-topic area with their trend, negative share, top stories, places,
alerts by severity, the departments' response timeliness, emerging words and
silent sources. Weeks run Monday 00:00 to Monday 00:00 in the report's time
zone (Asia/Shanghai by default). PDF needs headless Chromium (Debian packages
chromium and fonts-noto-cjk). The report is written to FILE, or to stdout.`, stderr)
	path := fs.String("c", "", "configuration file; default built-in")
	week := fs.String("week", "", "ISO week, e.g. 2026-W48 (default: the previous week)")
	dept := fs.String("department", "", "department code: that department's areas and cases only")
	format := fs.String("format", "", "html, md, json or pdf (default: from -o's extension, else html)")
	out := fs.String("o", "", "output file (default: stdout)")
	verbose := fs.Bool("v", false, "log progress to stderr")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	logger := slog.New(slog.DiscardHandler)
	if *verbose {
		logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	return app.Report(ctx, app.ReportOptions{ConfigPath: *path, Week: *week, Department: *dept,
		Format: *format, Output: *out, Stdout: stdout, Logger: logger})
}
