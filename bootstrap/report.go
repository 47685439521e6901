package bootstrap

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/ohotfix/ohotfix/installer"

	"github.com/ohotfix/ohotfix/exitcode"
)

// PrintPlan writes what `ohotfix check` shows: every check with its verdict
// and reason, then each patch → target decision and why.
func PrintPlan(w io.Writer, p *Plan) {
	if p.Inventory != nil {
		fmt.Fprintf(w, "Mode: %s (installer engine %s)\n", p.Inventory.Mode, p.Inventory.EngineVersion)
		for _, pr := range p.Inventory.Targets {
			fmt.Fprintf(w, "Target: %s %s %s\n", pr.Code, pr.Version, pr.Path)
		}
	}
	if len(p.Checks) > 0 {
		fmt.Fprintln(w, "Checks:")
		for _, c := range p.Checks {
			fmt.Fprintf(w, "  [%-7s] %-28s %s\n", c.Status, c.Name, c.Reason)
		}
	}
	fmt.Fprintln(w, "Plan:")
	if len(p.Steps) == 0 && len(p.Patches) == 0 {
		fmt.Fprintln(w, "  (no .msp files found)")
	} else if len(p.Steps) == 0 {
		for _, pi := range p.Patches {
			fmt.Fprintf(w, "  -       %s: not planned (detection stopped)\n", filepath.Base(pi.File))
		}
	}
	for _, s := range p.Steps {
		target := s.Product
		if target == "" {
			target = "-"
		}
		fmt.Fprintf(w, "  %-7s %s → %s: %s\n", s.Decision, filepath.Base(s.File), target, s.Reason)
	}
	if p.Reason != "" {
		fmt.Fprintf(w, "Result: %s\n", p.Reason)
	}
	fmt.Fprintf(w, "Exit code a run would return now: %d (%s)\n", int(p.Code), p.Code.Name())
}

// PrintSummary writes the human-readable end-of-run summary.
func PrintSummary(w io.Writer, r *Result) {
	for _, pr := range r.Patches {
		for _, t := range pr.PerTarget {
			status := string(t.Decision)
			if t.ExitCode != nil && t.Decision == installer.Apply {
				if exitcode.Code(*t.ExitCode).IsSuccess() {
					status = "applied"
				} else {
					status = fmt.Sprintf("failed (%d)", *t.ExitCode)
				}
			}
			msg := t.Reason
			if t.Message != "" {
				msg = t.Message
			}
			fmt.Fprintf(w, "  %-10s %s %s: %s\n", status, filepath.Base(pr.File), t.Product, msg)
		}
	}
	fmt.Fprintf(w, "ohotfix: exit code %d (%s)", r.ExitCode, r.ExitName)
	if r.Reason != "" {
		fmt.Fprintf(w, ": %s", r.Reason)
	}
	fmt.Fprintln(w)
	if r.Logs.Main != "" {
		fmt.Fprintf(w, "Logs: %s\n      %s\n", r.Logs.Main, r.Logs.Msi)
	}
}
