package main

import (
	"errors"
	"io"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/exitcode"
)

// run builds the app, normalises the arguments and runs it; it returns the
// process status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (status int) {
	// A bug must still end with a documented code (1603), never a Go
	// panic status that deployment tools cannot read.
	defer func() {
		if r := recover(); r != nil {
			err := exitcode.New(exitcode.Fatal, "internal error: %v\n%s", r, debug.Stack())
			reportError(stderr, err)
			status = exitStatus(err)
		}
	}()
	app := newApp(stdin, stdout, stderr)
	norm, err := normalizeArgs(args, commandSpec(app.Flags, app.Commands))
	if err != nil {
		// A deployment tool that asked for a result file gets one even
		// when the command line itself is wrong (/bogus).
		if path := resultJSONArg(args); path != "" {
			bootstrap.ReportEarlyFailure(bootstrap.Options{ResultJSON: path, Stderr: stderr}, err)
		}
		reportError(stderr, err)
		return exitStatus(err)
	}
	err = classify(app.Run(norm))
	reportError(stderr, err)
	return exitStatus(err)
}

// classify gives urfave/cli's own errors a code: a missing required flag is
// a command-line error (1639), not a fatal one.
func classify(err error) error {
	var e *exitcode.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	if strings.HasPrefix(err.Error(), "Required flag") {
		return exitcode.New(exitcode.InvalidCommandLine, "%v (see --help)", err)
	}
	return err
}

// commandSpec describes the app to the normaliser: flags that take a value
// and subcommands, at each level.
func commandSpec(flags []cli.Flag, cmds []*cli.Command) *argSpec {
	spec := &argSpec{Flags: map[string]bool{}, Subcommands: map[string]*argSpec{}}
	for _, f := range append(flags, cli.HelpFlag) {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			spec.Flags[n] = !isBool
		}
	}
	for _, c := range cmds {
		sub := commandSpec(c.Flags, c.Subcommands)
		for _, n := range c.Names() {
			spec.Subcommands[strings.TrimSpace(n)] = sub
		}
	}
	return spec
}

// resultJSONArg finds the result file a command line asks for in any of its
// forms (--result-json FILE, --result-json=FILE, /result-json:FILE,
// /result-json FILE; one or two dashes, any case), for when the line cannot
// be parsed as a whole.
func resultJSONArg(args []string) string {
	for i, a := range args {
		low := strings.ToLower(a)
		switch {
		case (low == "--result-json" || low == "-result-json" || low == "/result-json") && i+1 < len(args):
			return args[i+1]
		case strings.HasPrefix(low, "--result-json="):
			return a[len("--result-json="):]
		case strings.HasPrefix(low, "-result-json="):
			return a[len("-result-json="):]
		case strings.HasPrefix(low, "/result-json:"):
			return unquote(a[len("/result-json:"):])
		}
	}
	return ""
}
