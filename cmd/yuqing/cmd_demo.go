package main

import (
	"context"
	"io"

	"github.com/yuqing/yuqing/app"
)

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
