package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/yuqing/yuqing/alert"
	"github.com/yuqing/yuqing/alert/notify"
	"github.com/yuqing/yuqing/analyze"
	"github.com/yuqing/yuqing/bus"
	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/ingest"
)

// CheckConfig loads the configuration at path and compiles what the daemon
// would compile at start (taxonomy, gazetteer, routes, receivers) without
// loading the dictionary or opening anything. It prints a summary, or
// returns every problem found.
func CheckConfig(path string, w io.Writer, print bool) error {
	cfg, err := loadConfig(path)
	if err != nil {
		return err
	}
	var ps config.Problems
	collect := func(err error) {
		if err == nil {
			return
		}
		if more, ok := err.(config.Problems); ok {
			ps = append(ps, more...)
			return
		}
		ps = append(ps, config.Problem{Pos: config.Pos{File: path}, Msg: err.Error()})
	}
	_, err = analyze.CompileTaxonomy(cfg.Taxonomy)
	collect(err)
	_, err = analyze.CompilePlaces(cfg.Places)
	collect(err)
	ac := cfg.Analyze
	ac.ApplyDefaults()
	if len(ac.Negativity.Negative) > 0 {
		_, err = analyze.CompileNegativity(ac.Negativity)
		collect(err)
	}
	_, err = analyze.CompileSeverity(ac.Severity, ac.Negativity.Negators)
	collect(err)
	_, err = alert.CompileRoutes(cfg.Route, cfg.Departments, cfg.Taxonomy.Topics, cfg.Receivers)
	collect(unwrapProblems(err))
	_, err = notify.Build(cfg.Receivers, notify.Options{})
	collect(unwrapProblems(err))
	if len(ps) > 0 {
		return problemsError(ps)
	}
	if print {
		shown := *cfg
		shown.NATS = bus.ApplyDefaults(cfg.NATS)
		out, err := yaml.Marshal(&shown)
		if err != nil {
			return fmt.Errorf("print configuration: %w", err)
		}
		fmt.Fprintf(w, "# effective configuration of %s (secrets redacted)\n%s\n", path, out)
	}
	fmt.Fprintf(w, "%s: OK — %d sources, %d topics, %d places, %d departments, %d receivers\n",
		path, len(cfg.Sources), len(cfg.Taxonomy.Topics), len(cfg.Places.Places), len(cfg.Departments), len(cfg.Receivers))
	return nil
}

// unwrapProblems finds config.Problems inside a wrapped error so they are
// listed one per line with the others.
func unwrapProblems(err error) error {
	var ps config.Problems
	if err != nil && errors.As(err, &ps) {
		return ps
	}
	return err
}

// FeedsTest fetches one feed (URL or file) the way the daemon would and
// prints the items it would ingest as JSON lines.
func FeedsTest(ctx context.Context, configPath, target string, w io.Writer) error {
	cfg, err := loadConfig(configPath)
	if err != nil {
		return err
	}
	f := ingest.NewFetcher(cfg.Ingest, time.Now)
	items, err := ingest.ProbeFeed(ctx, f, target, time.Now())
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, it := range items {
		if err := enc.Encode(it); err != nil {
			return err
		}
	}
	return nil
}

// Tag runs the analyzer over lines on in, one JSON line out per input.
func Tag(ctx context.Context, configPath string, text bool, in io.Reader, out io.Writer) error {
	cfg, err := loadConfig(configPath)
	if err != nil {
		return err
	}
	a, err := BuildAnalyzer(cfg)
	if err != nil {
		return err
	}
	return analyze.RunTag(ctx, a, in, out, text)
}
