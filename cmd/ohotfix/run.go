package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/exitcode"
)

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
			if exe, err := os.Executable(); err == nil {
				o.IniBase = filepath.Dir(exe)
			}
		}
		s, err = bootstrap.Prepare(o, !check)
	}
	if err != nil && !check {
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
	res := s.Run(ctx)
	if s.UI != bootstrap.UIQuiet {
		bootstrap.PrintSummary(c.App.Writer, res)
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
	showFinalMessage(s.Config, res) // a double-clicked run: success or failure in a box
	if res.Code() == exitcode.Success {
		return nil
	}
	if res.Code().IsSuccess() || s.UI != bootstrap.UIQuiet {
		return &exitcode.Error{Code: res.Code()} // the summary said it already
	}
	return exitcode.New(res.Code(), "%s", res.Reason)
}

func checkAction(c *cli.Context) error {
	s, cleanup, done, err := session(c, true)
	defer cleanup()
	if err != nil || done {
		return err
	}
	p, err := s.Pipeline()
	if err != nil {
		return err
	}
	p.Progress = nil
	plan, _ := p.Plan(context.Background())
	// --log and --result-json work for check too; the result records the
	// plan and the code a run would return.
	s.Finish(bootstrap.PlanResult(p.Backend.Mode(), s.Logs, plan))
	if c.Bool("json") {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		if err := enc.Encode(plan); err != nil {
			return err
		}
	} else {
		bootstrap.PrintPlan(c.App.Writer, plan)
	}
	if plan.Code == exitcode.Success {
		return nil
	}
	return exitcode.New(plan.Code, "%s", plan.Reason)
}

// offerLinks shows the URL a check offers (MsiUpgradeURL when the installer
// is too old and UpgradeMsi=1) and, on a terminal, offers to open it.
func offerLinks(c *cli.Context, o bootstrap.Options, res *bootstrap.Result) {
	for _, v := range res.Checks {
		if v.Link == "" {
			continue
		}
		fmt.Fprintf(c.App.Writer, "%s: upgrade the installer from %s\n", v.Name, v.Link)
		if o.Interactive && askYesNo(o, "Open it now? [y/N] ") {
			openURL(v.Link)
		}
	}
}

func askYesNo(o bootstrap.Options, question string) bool {
	fmt.Fprint(o.Stdout, question)
	var answer string
	fmt.Fscanln(o.Stdin, &answer)
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(answer)), "y")
}

func openURL(url string) {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	case "darwin":
		cmd = exec.Command("open", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	_ = cmd.Start()
}
