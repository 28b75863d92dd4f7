package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime/debug"
	"time"

	"github.com/yuqing/yuqing/config"
)

// stopTimeout bounds a graceful shutdown: in-flight fetches and deliveries
// have their own timeouts well below it.
const stopTimeout = 30 * time.Second

// RunDaemon loads the configuration at path and runs the pipeline until ctx
// is cancelled (SIGINT or SIGTERM), then drains it in order.
func RunDaemon(ctx context.Context, path string, logOut io.Writer) error {
	cfg, err := loadConfig(path)
	if err != nil {
		return err
	}
	logger := NewLogger(cfg.Log, logOut)
	started := time.Now()
	a, err := New(ctx, cfg, Options{Logger: logger})
	if err != nil {
		return err
	}
	if err := a.Start(ctx); err != nil {
		_ = a.Stop(context.Background())
		return err
	}
	logger.Info("ready", "took", time.Since(started).Round(time.Millisecond).String(), "config", path)
	if len(cfg.Sources) == 0 {
		logger.Warn("no sources configured: nothing will be polled; set ingest.sources_file")
	}
	notifySystemd("READY=1")
	<-ctx.Done()
	notifySystemd("STOPPING=1")
	logger.Info("shutting down")
	stopCtx, cancel := context.WithTimeout(context.Background(), stopTimeout)
	defer cancel()
	if err := a.Stop(stopCtx); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}

// loadConfig loads a configuration file, or the built-in defaults when path
// is empty, and turns problems into one readable error.
func loadConfig(path string) (*config.Config, error) {
	var cfg *config.Config
	var err error
	if path == "" {
		cfg, err = config.Default()
	} else {
		cfg, err = config.Load(path)
	}
	var ps config.Problems
	if errors.As(err, &ps) {
		return nil, problemsError(ps)
	}
	return cfg, err
}

func problemsError(ps config.Problems) error {
	noun := "problem"
	if len(ps) > 1 {
		noun = "problems"
	}
	return fmt.Errorf("configuration has %d %s:\n%w", len(ps), noun, ps)
}

// notifySystemd tells systemd (Type=notify) about the service state; it does
// nothing outside systemd.
func notifySystemd(state string) {
	socket := os.Getenv("NOTIFY_SOCKET")
	if socket == "" {
		return
	}
	conn, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: socket, Net: "unixgram"})
	if err != nil {
		return
	}
	defer conn.Close()
	_, _ = conn.Write([]byte(state))
}

// Version is the module version of the binary, or "devel".
func Version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}
