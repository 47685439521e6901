package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"github.com/ohotfix/ohotfix/internal/selfexe"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/payload"
)

// payloadOnly reports whether the command line asked only to extract the
// attached payload (/extract[:DIR], IExpress /c).
func payloadOnly(c *cli.Context) bool {
	return c.IsSet("extract") || c.IsSet("extract-only")
}

// ownPayload finds the payload attached to the running executable.
func ownPayload() (payload.Payload, bool, error) {
	exe, err := selfexe.Path()
	if err != nil {
		return payload.Payload{}, false, err
	}
	return payload.Find(exe)
}

// preparePayload serves the payload switches. It returns the folder to run
// from ("" = none chosen here), a cleanup function, and done=true when the
// command line asked only for extraction (or a command after it). The
// payload is checked (cabinet checksums, SHA256SUMS) while it is
// extracted; a damaged one ends the run with 1620 before anything runs.
func preparePayload(c *cli.Context) (dir string, cleanup func(), done bool, err error) {
	cleanup = func() {}
	p, ok, err := ownPayload()
	if err != nil {
		return "", cleanup, true, err
	}
	if !ok {
		if payloadOnly(c) || c.IsSet("temp-dir") {
			return "", cleanup, true, exitcode.New(exitcode.InvalidCommandLine,
				"this ohotfix executable has no attached payload to extract (build one with `ohotfix pack`)")
		}
		return "", cleanup, false, nil
	}
	if c.Args().Len() > 0 && !payloadOnly(c) && !c.IsSet("temp-dir") {
		return "", cleanup, false, nil // an explicit DIR wins over the payload
	}
	if c.Args().Len() > 1 {
		return "", cleanup, true, exitcode.New(exitcode.InvalidCommandLine, "too many arguments: %v", c.Args().Slice())
	}
	switch {
	case c.IsSet("extract") && c.String("extract") == "." && c.Args().Len() == 1:
		dir = c.Args().First() // "/extract DIR", written with a space
	case c.IsSet("extract"):
		dir = c.String("extract")
	case c.IsSet("temp-dir"):
		dir = c.String("temp-dir")
	case c.IsSet("extract-only"):
		return "", cleanup, true, exitcode.New(exitcode.InvalidCommandLine, "/c needs /t:DIR (where to extract)")
	default:
		// A fresh private (0700) folder directly in the temp folder: in a
		// folder someone else owns, our payload could be swapped.
		tmp, err := os.MkdirTemp("", "ohotfix-payload-")
		if err != nil {
			return "", cleanup, true, exitcode.Wrap(exitcode.TempUnwritable, err)
		}
		dir, cleanup = tmp, func() { os.RemoveAll(tmp) }
	}
	names, err := extractPayload(c, p, dir)
	if err != nil {
		cleanup()
		return "", func() {}, true, err
	}
	if c.IsSet("extract") || (c.IsSet("extract-only") && c.String("extract-only") == "") {
		for _, n := range names {
			fmt.Fprintln(c.App.Writer, filepath.Join(dir, n))
		}
		return dir, cleanup, true, nil
	}
	if cmdline := c.String("extract-only"); cmdline != "" {
		return dir, cleanup, true, runAfterExtract(dir, cmdline, c)
	}
	return dir, cleanup, false, nil
}

// extractPayload extracts (and so verifies) p into dir, with a progress bar
// on a terminal unless the run is quiet.
func extractPayload(c *cli.Context, p payload.Payload, dir string) ([]string, error) {
	a, err := p.Open()
	if err != nil {
		return nil, err
	}
	defer a.Close()
	opts := &payload.ExtractOptions{}
	if !payloadQuiet(c, a) {
		if bar := newProgressBar(c, a.TotalSize()); bar != nil {
			opts.Progress = func(n int64) { bar.Add64(n) }
			defer bar.Finish()
		}
	}
	names, err := a.Extract(dir, opts)
	var coded *exitcode.Error
	if err != nil && !errors.As(err, &coded) {
		// The payload checked out (its own failures carry 1620): what failed
		// is the destination, which is a temp/target-folder problem.
		return nil, exitcode.New(exitcode.TempUnwritable, "cannot extract the payload into %s: %v", dir, err)
	}
	return names, err
}

// payloadQuiet tells whether this run shows no UI: /q on the command line
// or, without /passive, OHotfixUILevel=q in the packaged ohotfix.ini (read
// before extraction; an unreadable one is reported by the run itself).
func payloadQuiet(c *cli.Context, a *payload.Archive) bool {
	if c.Bool("quiet") {
		return true
	}
	if c.Bool("passive") {
		return false
	}
	data, ok, err := a.Peek("ohotfix.ini", 1<<20)
	if err != nil || !ok {
		return false
	}
	cfg, err := bootstrap.ParseConfig(data, "ohotfix.ini")
	return err == nil && cfg.Quiet()
}

// runAfterExtract runs IExpress's /c:CMD in the extraction folder and passes
// its exit code on.
func runAfterExtract(dir, cmdline string, c *cli.Context) error {
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.Command("cmd.exe", "/c", cmdline)
	} else {
		cmd = exec.Command("/bin/sh", "-c", cmdline)
	}
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, c.App.Writer, c.App.ErrWriter
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return &exitcode.Error{Code: exitcode.Code(ee.ExitCode()), Err: fmt.Errorf("%s exited with %d", cmdline, ee.ExitCode())}
	}
	return err
}
