package main

import (
	"context"
	"io"

	"github.com/yuqing/yuqing/app"
)

func tagCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("tag", "tag [-c FILE] [--text] [--explain] < INPUT", `Reads JSON lines {"id","title","content"} on stdin (or plain text lines with
--text) and writes one JSON line per input:
  {"id","topics":[{"id","name","score","terms"}],"regions","negativity",
   "sentiment","severity","story_id","departments"}
Articles among the input that are near-copies of each other share a story.
--explain prints instead, for each input, the topics kept and turned down
with the words and rules behind each, the places, negativity, severity and
story, and the reasons. Use it to check a rule before deploying it.`, stderr)
	path := fs.String("c", "", "configuration file (its taxonomy, dictionary, places, negativity and severity rules); default built-in")
	text := fs.Bool("text", false, "read plain text lines instead of JSON lines")
	explain := fs.Bool("explain", false, "print readable explanations instead of JSON lines")
	mode := fs.String("segmentation", "", "override analyze.segmentation: fast or full")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	return app.TagWith(ctx, app.TagOptions{ConfigPath: *path, Text: *text, Explain: *explain, Mode: *mode}, stdin, stdout)
}
