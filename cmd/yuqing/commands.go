package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

type command func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error

func commands() map[string]command {
	return map[string]command{
		"demo":         demoCmd,
		"run":          runCmd,
		"check-config": checkConfigCmd,
		"feeds":        feedsCmd,
		"report":       reportCmd,
		"tag":          tagCmd,
		"eval":         evalCmd,
		"route-test":   routeTestCmd,
		"version":      versionCmd,
	}
}

// newFlags makes a flag set whose -h prints the command's synopsis, what it
// does, and its flags.
func newFlags(name, synopsis, about string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: yuqing %s\n\n%s\n", synopsis, about)
		if hasFlags(fs) {
			fmt.Fprintln(w, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parse parses flags and wants exactly nargs positional arguments (-1: any).
func parse(fs *flag.FlagSet, args []string, nargs int) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		// The flag package has printed the error and the usage already.
		return usageError{msg: err.Error(), shown: true}
	}
	if nargs >= 0 && fs.NArg() != nargs {
		fs.Usage()
		return usageError{msg: fmt.Sprintf("want %d argument(s), got %d", nargs, fs.NArg())}
	}
	return nil
}
