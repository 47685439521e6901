package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/bootstrap/exitcode"
)

// options maps the run/check flags onto bootstrap.Options.
func options(c *cli.Context) (bootstrap.Options, error) {
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
	if o.Restart == bootstrap.PromptRestart && o.Quiet {
		return o, exitcode.New(exitcode.InvalidCommandLine, "/promptrestart cannot be used with /quiet")
	}
	if f, ok := c.App.Reader.(*os.File); ok {
		o.Interactive = term.IsTerminal(int(f.Fd()))
	}
	wireBackends(&o)
	return o, nil
}

func runAction(c *cli.Context) error {
	payloadDir, cleanup, done, err := preparePayload(c)
	defer cleanup()
	if err != nil || done {
		return err
	}
	o, err := options(c)
	if err != nil {
		return err
	}
	if payloadDir != "" {
		o.Dir = payloadDir
	}
	s, err := bootstrap.Prepare(o, true)
	if err != nil {
		return err
	}
	res := s.Run(context.Background())
	if s.UI != bootstrap.UIQuiet {
		bootstrap.PrintSummary(c.App.Writer, res)
		if s.UI == bootstrap.UINormal && s.Config.ShowSuccessDialog && res.Code().IsSuccess() && res.Applied() > 0 {
			title := s.Config.MessageTitle
			if title == "" {
				title = "ohotfix"
			}
			fmt.Fprintf(c.App.Writer, "%s: the update was applied successfully.\n", title)
		}
	}
	if res.Code() == exitcode.Success {
		return nil
	}
	if res.Code().IsSuccess() || s.UI != bootstrap.UIQuiet {
		return &exitcode.Error{Code: res.Code()} // the summary said it already
	}
	return exitcode.New(res.Code(), "%s", res.Reason)
}

func checkAction(c *cli.Context) error {
	payloadDir, cleanup, done, err := preparePayload(c)
	defer cleanup()
	if err != nil || done {
		return err
	}
	o, err := options(c)
	if err != nil {
		return err
	}
	if payloadDir != "" {
		o.Dir = payloadDir
	}
	s, err := bootstrap.Prepare(o, false)
	if err != nil {
		return err
	}
	p, err := s.Pipeline()
	if err != nil {
		return err
	}
	p.Progress = nil
	plan, _ := p.Plan(context.Background())
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
