package main

import (
	"context"
	"io"

	"github.com/yuqing/yuqing/app"
)

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
