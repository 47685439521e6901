package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/ohotfix/ohotfix/internal/selfexe"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"
	"golang.org/x/term"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/payload"
)

func runCommand() *cli.Command {
	return &cli.Command{
		Name:         "run",
		Usage:        "detect, plan and apply the patches in DIR (the default command)",
		ArgsUsage:    "[DIR]",
		Flags:        runFlags(),
		Action:       runAction,
		OnUsageError: usageError,
	}
}

// options maps the run/check flags onto bootstrap.Options.
func options(c *cli.Context, readOnly bool) (bootstrap.Options, error) {
	if c.NArg() > 1 {
		return bootstrap.Options{}, exitcode.New(exitcode.InvalidCommandLine, "too many arguments: %v (want at most one DIR)", c.Args().Slice())
	}
	o := bootstrap.Options{
		Dir:        c.Args().First(),
		IniPath:    c.String("ini"),
		Quiet:      c.Bool("quiet"),
		Passive:    c.Bool("passive"),
		LogFile:    c.String("log"),
		AdminPath:  c.String("admin"),
		ResultJSON: c.String("result-json"),
		Set:        c.StringSlice("set"),
		Stdin:      c.App.Reader,
		Stdout:     c.App.Writer,
		Stderr:     c.App.ErrWriter,
	}
	if url := c.String("watson-url"); url != "" {
		if err := checkCollectorURL("--watson-url", url); err != nil {
			return o, err
		}
		o.Set = append(o.Set, "WatsonURL="+url) // the command line overrides the ini
	}
	n := 0
	for flag, sw := range map[string]bootstrap.RestartSwitch{"norestart": bootstrap.NoRestart, "forcerestart": bootstrap.ForceRestart, "promptrestart": bootstrap.PromptRestart} {
		if c.Bool(flag) {
			o.Restart = sw
			n++
		}
	}
	if n > 1 {
		return o, exitcode.New(exitcode.InvalidCommandLine, "choose one of /norestart, /forcerestart, /promptrestart")
	}
	if o.Restart == bootstrap.PromptRestart && (o.Quiet || o.Passive) {
		return o, exitcode.New(exitcode.InvalidCommandLine, "/promptrestart cannot be used with /quiet or /passive (they never ask)")
	}
	if f, ok := c.App.Reader.(*os.File); ok {
		o.Interactive = term.IsTerminal(int(f.Fd()))
	}
	o.Ask = func(q string) (string, error) { return ask(o.Stdin, o.Stdout, q) }
	o.ReadOnly = readOnly
	wireBackends(&o)
	return o, nil
}

// session prepares a run or a check from the command line: the attached
// payload (when this is a patch executable), the options, ohotfix.ini. A
// run that cannot start still leaves its log pair and JSON result.
func session(c *cli.Context, check bool) (s *bootstrap.Session, cleanup func(), done bool, err error) {
	payloadDir, cleanup, done, err := preparePayload(c)
	if err != nil || done {
		return nil, cleanup, done, err
	}
	o, err := options(c, check)
	if err == nil {
		if payloadDir != "" {
			o.Dir = payloadDir
			if exe, err := selfexe.Path(); err == nil {
				o.IniBase = filepath.Dir(exe)
				if !check {
					o.AfterRun = keepForRerun(payloadDir, exe)
				}
			}
		}
		s, err = bootstrap.Prepare(o, !check)
		if err == nil && payloadDir == "" {
			// A folder holding SHA256SUMS is an extracted payload (a rerun
			// folder, an /extract copy): checked before anything in it runs.
			if _, verr := payload.VerifyFolder(s.Dir); verr != nil {
				if !check {
					s.Fail(verr)
				}
				return nil, cleanup, false, verr
			}
		}
	}
	// check (ReadOnly) writes only the result it was asked for, no logs.
	if err != nil && (!check || o.ResultJSON != "") {
		o.ReadOnly = check // options may have stopped before setting it
		bootstrap.ReportEarlyFailure(o, err)
	}
	return s, cleanup, false, err
}

func runAction(c *cli.Context) error {
	s, cleanup, done, err := session(c, false)
	defer cleanup()
	if err != nil || done {
		return err
	}
	o := s.Opts
	// Ctrl-C or a stop request while waiting or applying cancels cleanly:
	// the engine rolls back and the run ends with 1602.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() { <-ctx.Done(); stop() }() // a second Ctrl-C stops the process at once
	// A crash is reported too (Setup Watson's reason to exist), then
	// left to run()'s recovery, which turns it into 1603.
	defer func() {
		if r := recover(); r != nil {
			reportFailure(c, s, nil, r)
			panic(r)
		}
	}()
	res := s.Run(ctx)
	if s.UI != bootstrap.UIQuiet {
		printSummary(c.App.Writer, res)
		if s.UI == bootstrap.UINormal {
			offerLinks(c, o, res)
		}
		if s.UI == bootstrap.UINormal && s.Config.ShowSuccessDialog && res.Code().IsSuccess() && res.Applied() > 0 {
			title := s.Config.MessageTitle
			if title == "" {
				title = "ohotfix"
			}
			fmt.Fprintf(c.App.Writer, "%s: the update was applied successfully.\n", title)
		}
	}
	reportFailure(c, s, res, nil)
	showFinalMessage(s.Config, res) // a double-clicked run: success or failure in a box
	if res.Code() == exitcode.Success {
		return nil
	}
	if res.Code().IsSuccess() || s.UI != bootstrap.UIQuiet {
		return &exitcode.Error{Code: res.Code()} // the summary said it already
	}
	return exitcode.New(res.Code(), "%s", res.Reason)
}

// keepForRerun is CopyFilesToRerun=1 (OHotfix's default) for a packed
// executable: after the run its payload stays in a per-machine folder named
// after the executable, from which `ohotfix run FOLDER` runs the update again
// (after a restart, or for a repair). A failure to keep it is a warning, not
// the run's failure.
func keepForRerun(payloadDir, exe string) func(*bootstrap.Config, *bootstrap.Logs, *bootstrap.Result) {
	return func(cfg *bootstrap.Config, logs *bootstrap.Logs, res *bootstrap.Result) {
		if !cfg.CopyFilesToRerun {
			return
		}
		dir, err := payload.KeepExtracted(payloadDir, cfg.RerunDir, exe)
		if err != nil {
			logs.Log.Warn("CopyFilesToRerun: the payload could not be kept for a rerun", zap.Error(err))
			return
		}
		res.RerunDir = dir
		logs.Log.Info("CopyFilesToRerun: the payload is kept for a rerun", zap.String("rerun_dir", dir))
	}
}
