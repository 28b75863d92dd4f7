package main

import (
	"context"
	"io"

	"github.com/yuqing/yuqing/app"
)

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
