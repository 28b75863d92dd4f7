// Command yuqing monitors public opinion on a government's hot-topic areas
// and routes what it finds to the department that must respond.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `yuqing — public-opinion monitoring and response (舆情监测与回应)

Usage:
  yuqing <command> [flags]

Commands:
  demo           run the whole pipeline on built-in sample feeds (no internet needed)
  run            run the daemon: poll sources, analyze, route alerts to departments
  check-config   validate a configuration and every file it names
  feeds test     fetch one feed (URL or file) and print the items it would ingest
  tag            tag text from stdin: areas, places, negativity, severity, story (an analyst's check)
  eval           score the analyzer on evaluation data sets (topics, negativity, segmentation)
  route-test     show which departments a label set is routed to, and why
  report         build a weekly report (HTML, Markdown, PDF or JSON) from the store
  version        print the version

Start with 'yuqing demo'. Then copy configs/ to your own folder, name your
sources and departments, check it with 'yuqing check-config -c yuqing.yaml'
and run 'yuqing run -c yuqing.yaml'.

Run 'yuqing <command> -h' for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command and returns the exit code: 0 success, 1 failure,
// 2 bad usage.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "yuqing: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	name := args[0]
	if name == "feeds" && len(args) > 1 {
		name += " " + args[1]
	}
	err := cmd(ctx, args[1:], stdin, stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if !ue.shown {
			fmt.Fprintf(stderr, "yuqing %s: %v\n", name, err)
		}
		return 2
	}
	fmt.Fprintf(stderr, "yuqing %s: %v\n", name, err)
	return 1
}

// usageError is a mistake in the command line rather than a failure; shown
// means it has been printed with the usage already.
type usageError struct {
	msg   string
	shown bool
}

func (e usageError) Error() string { return e.msg }
