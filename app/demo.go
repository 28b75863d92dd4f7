package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/yuqing/yuqing/config"
	"github.com/yuqing/yuqing/demo"
)

// DemoOptions configure RunDemo.
type DemoOptions struct {
	Out io.Writer // alerts and the summary
	Log io.Writer // the daemon's log, when Verbose
	// Keep keeps the pipeline running after the samples are processed.
	Keep    bool
	Verbose bool
	// Timeout bounds the wait for the samples (default 2 minutes).
	Timeout time.Duration
}

// RunDemo serves the sample feeds and a webhook sink on loopback, runs the
// whole pipeline against them in a temporary data directory and prints each
// alert the sink receives. It returns once every sample is processed (or,
// with Keep, when ctx is cancelled).
func RunDemo(ctx context.Context, o DemoOptions) error {
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	secret := hex.EncodeToString(key)
	sink := demo.NewSink([]byte(secret))
	feedsURL, stopFeeds, err := serveLoopback(demo.Handler())
	if err != nil {
		return err
	}
	defer stopFeeds()
	sinkURL, stopSink, err := serveLoopback(sink)
	if err != nil {
		return err
	}
	defer stopSink()
	dir, err := os.MkdirTemp("", "yuqing-demo-")
	if err != nil {
		return fmt.Errorf("demo: make data dir: %w", err)
	}
	defer os.RemoveAll(dir)

	cfg, err := demoConfig(dir, feedsURL, sinkURL+"/hook", secret)
	if err != nil {
		return err
	}
	logger := slog.New(slog.DiscardHandler)
	if o.Verbose {
		logger = NewLogger(config.Log{Level: "info", Format: "text"}, o.Log)
	}
	fmt.Fprintf(o.Out, "yuqing demo: %d sample feeds on %s, webhook sink on %s\n", len(demo.Feeds()), feedsURL, sinkURL)
	fmt.Fprintf(o.Out, "loading the segmentation dictionary and starting NATS JetStream and SQLite in %s …\n", dir)
	started := time.Now()
	a, err := New(ctx, cfg, Options{Logger: logger})
	if err != nil {
		return err
	}
	defer func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), stopTimeout)
		defer cancel()
		_ = a.Stop(stopCtx)
	}()
	if err := a.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(o.Out, "pipeline ready in %s; alerts as the departments receive them:\n\n", time.Since(started).Round(time.Millisecond))
	return watchDemo(ctx, a, sink, o)
}

// serveLoopback serves h on a free loopback port.
func serveLoopback(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("demo: listen on loopback: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// demoConfig is the built-in configuration pointed at the sample feeds, with
// every department's alerts going to the sink.
func demoConfig(dir, feedsURL, sinkURL, secret string) (*config.Config, error) {
	cfg, err := config.Default()
	if err != nil {
		return nil, err
	}
	cfg.DataDir = dir
	cfg.HTTP.Listen = "127.0.0.1:0"
	for _, f := range demo.Feeds() {
		cfg.Sources = append(cfg.Sources, config.Source{
			ID: f.ID, Name: f.Name, Kind: "feed", URL: feedsURL + "/feeds/" + f.Path,
			Region: f.Region, Interval: config.Duration(30 * time.Second), Weight: 1,
		})
	}
	cfg.Receivers = []config.Receiver{{Name: "demo_sink", Webhook: &config.WebhookSpec{
		URL: config.Secret(sinkURL), Secret: config.Secret(secret),
	}}}
	for i := range cfg.Departments {
		cfg.Departments[i].Receivers = []string{"demo_sink"}
	}
	cfg.Alert.Retry.Initial = config.Duration(time.Second)
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("demo: built-in configuration: %w", err)
	}
	return cfg, nil
}
