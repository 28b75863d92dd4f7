package main

import (
	"context"
	"io"

	"github.com/yuqing/yuqing/app"
)

func routeTestCmd(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlags("route-test", "route-test [-c FILE] LABEL=VALUE ...", `Routes a label set through the routing tree and prints the path taken for
each topic, the departments that answer (lead and co-responders) with their
receivers, the grouping and timing, the deadlines owed and where a missed
deadline escalates. Labels: topic, region, severity, source, story; a label
may repeat, or list values separated by commas, to form a set. Example:

  yuqing route-test topic=real_estate region=通城县 severity=II`, stderr)
	path := fs.String("c", "", "configuration file; default built-in")
	if err := parse(fs, args, -1); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return usageError{msg: "want at least one LABEL=VALUE", shown: true}
	}
	return app.RouteTest(*path, fs.Args(), stdout)
}
