package main

import (
	"context"
	"io"
	"os"

	"github.com/yuqing/yuqing/app"
)

func evalCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("eval", "eval [-c FILE] [--data DIR] [--skip PARTS]", `Scores the analyzer on public data sets and prints a table:
  topics        recall of realty → real_estate and education → education, and
                the false-alarm rate on sports, game, entertainment and science
                headlines (THUCNews: DIR/topics/thucnews-titles-dev.txt)
  negativity    accuracy on hotel reviews (ChnSentiCorp:
                DIR/sentiment/chnsenticorp-hotel.csv)
  segmentation  F of the SIGHAN 2005 PKU test with its official scorer
                (DIR/segmentation/, needs perl)
DIR defaults to $YUQING_EVAL_DATA, else ../shared/data.`, stderr)
	path := fs.String("c", "", "configuration file; default built-in")
	data := fs.String("data", "", "data directory (default $YUQING_EVAL_DATA or ../shared/data)")
	skip := fs.String("skip", "", "comma-separated parts to skip: topics, negativity, segmentation")
	examples := fs.Bool("examples", false, "print a few misses and false alarms per class")
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	dir := *data
	if dir == "" {
		dir = os.Getenv("YUQING_EVAL_DATA")
	}
	if dir == "" {
		dir = "../shared/data"
	}
	return app.Eval(ctx, app.EvalOptions{ConfigPath: *path, DataDir: dir, Skip: *skip, Examples: *examples}, stdout)
}
