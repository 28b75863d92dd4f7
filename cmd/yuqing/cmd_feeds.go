package main

import (
	"context"
	"io"

	"github.com/yuqing/yuqing/app"
)

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
		return usageError{msg: "want: feeds test URL|FILE"}
	}
	return app.FeedsTest(ctx, *path, fs.Arg(1), stdout)
}
