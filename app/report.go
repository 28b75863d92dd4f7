package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/yuqing/yuqing/analyze"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/model"
	"github.com/yuqing/yuqing/report"
	"github.com/yuqing/yuqing/store"
)

// ReportOptions are the flags of `yuqing report`.
type ReportOptions struct {
	ConfigPath string
	// Week is an ISO week (2026-W48); empty means the previous week.
	Week       string
	Department string
	// Format is html, md, json or pdf; empty takes it from Output's
	// extension, else html.
	Format string
	// Output is a file; empty or "-" writes to Stdout.
	Output string
	Stdout io.Writer
	Logger *slog.Logger
	Now    func() time.Time
	// Analyzer, when set, provides the segmenter instead of loading the
	// dictionary (tests share one).
	Analyzer *analyze.Analyzer
}

// Report builds one report from the configured store and writes it in one
// format. It opens the store (applying pending migrations) but writes
// nothing to it; the segmentation dictionary is loaded for the emerging
// words.
func Report(ctx context.Context, o ReportOptions) error {
	format, err := reportFormat(o.Format, o.Output)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(o.ConfigPath)
	if err != nil {
		return err
	}
	rc := cfg.Report.WithDefaults()
	loc, err := time.LoadLocation(rc.Timezone)
	if err != nil {
		return fmt.Errorf("app: report timezone: %w", err)
	}
	now := cmpNow(o.Now)
	week := report.WeekOf(now(), loc).Prev()
	if o.Week != "" {
		if week, err = report.ParseWeek(o.Week, loc); err != nil {
			return err
		}
	}
	var chromium *report.Chromium
	if format == config.ReportPDF {
		path, err := report.FindChromium(rc.Chromium)
		if err != nil {
			return err
		}
		chromium = &report.Chromium{Path: path, Timeout: rc.PDFTimeout.D(), Logger: o.Logger}
	}
	dsn, err := storeDSN(cfg.Store)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Options{DSN: dsn, DataDir: cfg.DataDir, Logger: o.Logger})
	if err != nil {
		return err
	}
	defer st.Close()
	an := o.Analyzer
	if an == nil {
		if an, err = BuildAnalyzer(cfg); err != nil {
			return err
		}
	}
	b, err := newReportBuilder(cfg, rc, loc, st, an.Segmenter(), now, o.Logger)
	if err != nil {
		return err
	}
	d, err := b.Build(ctx, report.Request{Week: week, Department: o.Department})
	if err != nil {
		return err
	}
	out, err := renderReport(ctx, d, format, reportCharts(rc, o.Logger), chromium)
	if err != nil {
		return err
	}
	return writeOutput(o.Output, o.Stdout, out)
}

// reportFormat picks the format from the flag or the output's extension.
func reportFormat(format, output string) (string, error) {
	if format == "" {
		format = strings.TrimPrefix(filepath.Ext(output), ".")
		if format == "markdown" {
			format = config.ReportMarkdown
		}
		if format == "" || output == "-" {
			format = config.ReportHTML
		}
	}
	if !slices.Contains([]string{config.ReportHTML, config.ReportMarkdown, config.ReportJSON, config.ReportPDF}, format) {
		return "", fmt.Errorf("app: report format %q: want html, md, json or pdf", format)
	}
	return format, nil
}

// newReportBuilder makes the builder of the configuration's reports.
func newReportBuilder(cfg *config.Config, rc config.Report, loc *time.Location, st *store.Store,
	seg report.Segmenter, now func() time.Time, logger *slog.Logger) (*report.Builder, error) {
	area := rc.Area
	if area == "" {
		for _, p := range cfg.Places.Places {
			if p.Level == config.PlaceCity {
				area = p.Name
				break
			}
		}
	}
	return report.NewBuilder(report.Options{
		Source: reportSource{st, sourceNames(cfg.Sources)}, Segmenter: seg, Topics: cfg.Taxonomy.Topics, Places: cfg.Places.Places,
		Departments: cfg.Departments, Area: area, Issuer: rc.Issuer, Location: loc, Now: now, Logger: logger,
		TopStories: rc.TopStories, EmergingWords: rc.EmergingWords, TitleSample: rc.TitleSample,
	})
}

// reportCharts loads the CJK font for the charts; without one the charts
// are still drawn for the browser and PDF (the viewer draws the text), and
// left out of email.
func reportCharts(rc config.Report, logger *slog.Logger) *report.Charts {
	face, err := report.LoadCJKFont(rc.FontFile)
	if err != nil {
		if logger != nil {
			logger.Warn("charts without a CJK font: emailed reports will have no charts", "err", err)
		}
		return report.NewCharts(nil)
	}
	return report.NewCharts(face)
}

func renderReport(ctx context.Context, d *report.Data, format string, charts *report.Charts, chromium *report.Chromium) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch format {
	case config.ReportMarkdown:
		err = report.RenderMarkdown(&buf, d)
	case config.ReportJSON:
		err = report.RenderJSON(&buf, d)
	default:
		err = report.RenderHTML(&buf, d, report.HTMLOptions{Charts: charts})
	}
	if err != nil || format != config.ReportPDF {
		return buf.Bytes(), err
	}
	return chromium.PDF(ctx, buf.Bytes())
}

func writeOutput(path string, stdout io.Writer, data []byte) error {
	if path == "" || path == "-" {
		_, err := stdout.Write(data)
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("app: write report: %w", err)
	}
	return nil
}

func cmpNow(now func() time.Time) func() time.Time {
	if now == nil {
		return time.Now
	}
	return now
}

// reportSource is the store as the report reads it.
type reportSource struct {
	*store.Store
	names map[string]string // source id → display name
}

// TopicStories lists the widest stories of a topic in the period, from
// the story index, with the links naming their sources.
func (s reportSource) TopicStories(ctx context.Context, topic string, from, to time.Time, limit int) ([]model.StorySummary, error) {
	stories, err := s.Store.TopStories(ctx, store.StoryQuery{Topic: topic, From: from, To: to, Limit: limit})
	for i := range stories {
		for j, l := range stories[i].Links {
			if name := s.names[l.Source]; name != "" {
				stories[i].Links[j].SourceName = name
			}
		}
	}
	return stories, err
}

var _ report.Source = reportSource{}
