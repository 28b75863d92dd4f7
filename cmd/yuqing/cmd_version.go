package main

import (
	"context"
	"fmt"
	"io"

	"github.com/yuqing/yuqing/app"
)

func versionCmd(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version", "Prints the version of this binary.", stderr)
	if err := parse(fs, args, 0); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "yuqing", app.Version())
	return nil
}
