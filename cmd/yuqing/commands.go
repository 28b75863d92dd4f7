package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/yuqing/yuqing/app"
)

type command func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error

func commands() map[string]command {
	return map[string]command{
		"demo":         demoCmd,
		"run":          runCmd,
		"check-config": checkConfigCmd,
		"feeds":        feedsCmd,
		"tag":          tagCmd,
		"version":      versionCmd,
	}
}

// newFlags makes a flag set whose -h prints the command's synopsis, what it
// does, and its flags.
func newFlags(name, synopsis, about string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: yuqing %s\n\n%s\n", synopsis, about)
		if hasFlags(fs) {
			fmt.Fprintln(w, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parse parses flags and wants exactly nargs positional arguments (-1: any).
func parse(fs *flag.FlagSet, args []string, nargs int) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if nargs >= 0 && fs.NArg() != nargs {
		fs.Usage()
		return usageError{fmt.Sprintf("want %d argument(s), got %d", nargs, fs.NArg())}
	}
	return nil
}

func demoCmd(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "demo [--keep] [-v]", `Runs the whole pipeline — ingest, NATS JetStream, analysis, routing, webhook
delivery, SQLite — on sample feeds served from this process, with a local
webhook sink standing in for the departments. Needs no internet and no
configuration; data goes to a temporary directory that is removed at exit.
Prints each alert as the sink receives it and exits once every sample has
been processed.`, stderr)
	keep := fs.Bool("keep", false, "keep running after the samples are processed (Ctrl-C stops); prints the HTTP endpoint")
	verbose := fs.Bool("v", false, "show the daemon's log on stderr")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return app.RunDemo(ctx, app.DemoOptions{Out: stdout, Log: stderr, Keep: *keep, Verbose: *verbose})
}

func runCmd(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := newFlags("run", "run -c FILE", `Runs the daemon: polls the sources, analyzes every new item, opens a case for
each responsible department and delivers its alert. Stops cleanly on SIGINT or
SIGTERM, finishing work in progress. Logs go to stderr.`, stderr)
	path := fs.String("c", "yuqing.yaml", "configuration file")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return app.RunDaemon(ctx, *path, stderr)
}

func checkConfigCmd(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("check-config", "check-config -c FILE [--print]", `Reads a configuration and every file it names (sources, taxonomy, dictionary,
places, departments, routes), and reports every problem with its file and
line. Exits 0 when the configuration is usable.`, stderr)
	path := fs.String("c", "yuqing.yaml", "configuration file")
	print := fs.Bool("print", false, "print the effective main configuration (secrets redacted)")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return app.CheckConfig(*path, stdout, *print)
}

func feedsCmd(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("feeds", "feeds test [-c FILE] URL|FILE", `Fetches one feed the way the daemon would (conditional GET, limits, encoding
detection, HTML to text, dates in Beijing time) and prints each item that
would be ingested as a JSON line. On failure prints one line saying why and
exits 1.`, stderr)
	path := fs.String("c", "", "configuration file (for user agent, timeout, size limit); default built-in")
	if err := parse(fs, args, -1); err != nil {
		return err
	}
	if fs.NArg() != 2 || fs.Arg(0) != "test" {
		fs.Usage()
		return usageError{"want: feeds test URL|FILE"}
	}
	return app.FeedsTest(ctx, *path, fs.Arg(1), stdout)
}

func tagCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("tag", "tag [-c FILE] [--text] < INPUT", `Reads JSON lines {"id","title","content"} on stdin (or plain text lines with
--text) and writes one JSON line per input with the hot-topic areas found,
the words that matched, the places and the responsible departments. Use it
to check a rule before deploying it.`, stderr)
	path := fs.String("c", "", "configuration file (its taxonomy, dictionary and places); default built-in")
	text := fs.Bool("text", false, "read plain text lines instead of JSON lines")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return app.Tag(ctx, *path, *text, stdin, stdout)
}

func versionCmd(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version", "Prints the version of this binary.", stderr)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "yuqing", app.Version())
	return nil
}
