package main

import (
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
)

// The console side of a run: summaries, plans, questions. The pipeline
// never prints; it hands plain data here.

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

// askYesNo asks a question whose answer starting with y means yes.
func askYesNo(o bootstrap.Options, question string) bool {
	answer, _ := ask(o.Stdin, o.Stdout, question)
	return strings.HasPrefix(strings.ToLower(answer), "y")
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

// printPlan writes what `ohotfix check` shows: every check with its verdict
// and reason, then each patch → target decision and why.
func printPlan(w io.Writer, p *bootstrap.Plan) {
	if p.Inventory != nil {
		fmt.Fprintf(w, "Mode: %s (installer engine %s)\n", p.Inventory.Mode, p.Inventory.EngineVersion)
		for _, pr := range p.Inventory.Targets {
			fmt.Fprintf(w, "Target: %s %s %s\n", pr.Code, pr.Version, pr.Path)
			for _, ca := range pr.NestedInstalls {
				where := "scheduled by no sequence table"
				if ca.Table != "" {
					where = fmt.Sprintf("%s at %d, condition %q", ca.Table, ca.Sequence, ca.Condition)
				}
				fmt.Fprintf(w, "  nested installation: custom action %s (type %d), %s\n", ca.Action, ca.Type, where)
			}
		}
		for _, warning := range p.Inventory.Warnings {
			fmt.Fprintf(w, "Warning: %s\n", warning)
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

// printSummary writes the human-readable end-of-run summary.
func printSummary(w io.Writer, r *bootstrap.Result) {
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

// ask puts a question on the console and reads one line of answer. It reads
// byte by byte, no further than the line: a run may ask again (the image
// path, then a restart), and a buffer would swallow the next answer.
func ask(in io.Reader, out io.Writer, question string) (string, error) {
	if in == nil {
		return "", io.EOF
	}
	fmt.Fprint(out, question)
	var line []byte
	b := make([]byte, 1)
	for {
		n, err := in.Read(b)
		if n == 1 && b[0] == '\n' {
			break
		}
		line = append(line, b[:n]...)
		if err != nil {
			if answer := strings.TrimSpace(string(line)); answer != "" {
				return answer, nil
			}
			return "", err
		}
	}
	return strings.TrimSpace(string(line)), nil
}
