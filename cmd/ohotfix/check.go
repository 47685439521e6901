package main

import (
	"context"
	"encoding/json"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/exitcode"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:         "check",
		Usage:        "detect and plan only: print every check and every patch→product decision; changes nothing",
		ArgsUsage:    "[DIR]",
		Flags:        append(runFlags(), &cli.BoolFlag{Name: "json", Usage: "print the plan as JSON"}),
		Action:       checkAction,
		OnUsageError: usageError,
	}
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
		printPlan(c.App.Writer, plan)
	}
	if plan.Code == exitcode.Success {
		return nil
	}
	return exitcode.New(plan.Code, "%s", plan.Reason)
}
