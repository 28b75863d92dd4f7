package main

import (
	"context"
	"io"

	"github.com/yuqing/yuqing/app"
)

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
