package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// ErrNoChromium means PDF output was asked for but no Chromium is installed.
var ErrNoChromium = errors.New("report: PDF needs headless Chromium, which was not found: " +
	"install it (Debian: apt-get install chromium fonts-noto-cjk) or set report.chromium")

// chromiumNames are the executables tried on PATH, in order.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"}

// FindChromium returns path if it is an executable, or, when path is empty,
// the first Chromium found on PATH; ErrNoChromium when there is none.
func FindChromium(path string) (string, error) {
	if path != "" {
		p, err := exec.LookPath(path)
		if err != nil {
			return "", fmt.Errorf("%w (report.chromium %q: %v)", ErrNoChromium, path, err)
		}
		return p, nil
	}
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNoChromium
}

// defaultChromiumTimeout bounds one Chromium run.
const defaultChromiumTimeout = 60 * time.Second

// Chromium prints HTML to PDF, or to a PNG screenshot, with headless
// Chromium. The page is written to a private temporary directory with its
// own profile, and Chromium is started with its background networking off,
// so a run touches nothing else and fetches nothing.
type Chromium struct {
	Path    string
	Timeout time.Duration
	Logger  *slog.Logger
}

// PDF prints html (a standalone page) to A4 PDF.
func (c *Chromium) PDF(ctx context.Context, html []byte) ([]byte, error) {
	return c.run(ctx, html, "report.pdf", func(out string) []string {
		return []string{"--print-to-pdf=" + out, "--no-pdf-header-footer", "--print-to-pdf-no-header"}
	})
}

// Screenshot renders html in a window of width×height CSS pixels to PNG.
func (c *Chromium) Screenshot(ctx context.Context, html []byte, width, height int) ([]byte, error) {
	return c.run(ctx, html, "screen.png", func(out string) []string {
		return []string{"--screenshot=" + out, "--window-size=" + strconv.Itoa(width) + "," + strconv.Itoa(height),
			"--hide-scrollbars", "--force-device-scale-factor=1"}
	})
}

func (c *Chromium) run(ctx context.Context, html []byte, outName string, flags func(out string) []string) ([]byte, error) {
	if c.Path == "" {
		return nil, ErrNoChromium
	}
	dir, err := os.MkdirTemp("", "yuqing-chromium-")
	if err != nil {
		return nil, fmt.Errorf("report: chromium: %w", err)
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, html, 0o600); err != nil {
		return nil, fmt.Errorf("report: chromium: %w", err)
	}
	out := filepath.Join(dir, outName)
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-quic",
		"--no-first-run", "--no-default-browser-check", "--mute-audio",
		"--user-data-dir=" + filepath.Join(dir, "profile"),
	}, flags(out)...)
	args = append(args, "file://"+page)

	timeout := c.Timeout
	if timeout <= 0 {
		timeout = defaultChromiumTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.Path, args...)
	var output tailBuffer
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.Env = append(os.Environ(), "HOME="+dir)
	killProcessGroup(cmd)
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	runErr := cmd.Run()
	result, readErr := os.ReadFile(out)
	if runErr != nil || readErr != nil || len(result) == 0 {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("report: chromium did not finish in %s: %w", timeout, ctx.Err())
		}
		return nil, fmt.Errorf("report: chromium made no %s (%v): %s", outName, errors.Join(runErr, readErr), bytes.TrimSpace(output.Bytes()))
	}
	if c.Logger != nil {
		c.Logger.Debug("chromium rendered", "output", outName, "bytes", len(result), "took", time.Since(start).String())
	}
	return result, nil
}

// tailBuffer keeps the last few KiB written to it: enough of Chromium's
// log to say why it failed.
type tailBuffer struct{ b []byte }

const tailBufferSize = 4 << 10

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > tailBufferSize {
		t.b = t.b[len(t.b)-tailBufferSize:]
	}
	return len(p), nil
}

func (t *tailBuffer) Bytes() []byte { return t.b }
