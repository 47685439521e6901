package main

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "detect and plan only: print every check and every patch→product decision; changes nothing",
		ArgsUsage: "[DIR]",
		Flags: append(runFlags(), &cli.BoolFlag{Name: "json", Usage: "print the plan as JSON"},
			&cli.BoolFlag{Name: "detect", Usage: "detection rule for Intune/ConfigMgr: exit 0 and print one line \"detected: …\" when every patch is applied wherever it applies; else exit 1 with nothing on stdout"}),
		Action:       checkAction,
		OnUsageError: usageError,
	}
}

func checkAction(c *cli.Context) error {
	if c.Bool("detect") {
		return detectAction(c)
	}
	s, mode, plan, cleanup, err := planOnly(c)
	defer cleanup()
	if err != nil || plan == nil {
		return err
	}
	// --log and --result-json work for check too; the result records the
	// plan and the code a run would return.
	s.Finish(bootstrap.PlanResult(mode, s.Logs, plan))
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

// detectAction is `check --detect`, the contract of Intune's and ConfigMgr's
// script detection rules: exit 0 with one line on stdout means "installed";
// anything else (exit 1, stdout empty) means "not installed". Detected: the
// plan is clean, the folder holds patches, and no step would apply or refuse
// (each is already applied, or has no target here, so installing would
// change nothing). Why it is not detected goes to stderr only.
func detectAction(c *cli.Context) error {
	notDetected := func(why string) error {
		return exitcode.New(exitcode.NotDetected, "not detected: %s", why)
	}
	s, _, plan, cleanup, err := planOnly(c)
	defer cleanup()
	switch {
	case err != nil:
		return notDetected(err.Error())
	case plan == nil:
		return notDetected("nothing to detect")
	case plan.Code != exitcode.Success:
		return notDetected(plan.Reason)
	case len(plan.Patches) == 0:
		return notDetected("no .msp files in " + s.Dir)
	}
	applied := map[string]bool{}
	for _, st := range plan.Steps {
		if st.Decision != installer.Skip {
			return notDetected(fmt.Sprintf("%s: %s: %s", filepath.Base(st.File), st.Decision, st.Reason))
		}
		if st.AlreadyApplied {
			applied[st.File] = true
		}
	}
	fmt.Fprintf(c.App.Writer, "detected: %d of %d patches applied, none needed here\n", len(applied), len(plan.Patches))
	return nil
}

// planOnly runs Detect and Plan for check and check --detect. plan is nil
// when the command was served before planning (e.g. /extract of a packed
// executable); a failed detection still returns its plan (with its code).
func planOnly(c *cli.Context) (s *bootstrap.Session, mode string, plan *bootstrap.Plan, cleanup func(), err error) {
	s, cleanup, done, err := session(c, true)
	if err != nil || done {
		return s, "", nil, cleanup, err
	}
	p, err := s.Pipeline()
	if err != nil {
		return s, "", nil, cleanup, err
	}
	p.Progress = nil
	plan, _ = p.Plan(context.Background())
	return s, p.Backend.Mode(), plan, cleanup, nil
}
