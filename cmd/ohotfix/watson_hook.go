package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/installer/admin"
	"github.com/ohotfix/ohotfix/watson"
)

// reportFailure is the Setup Watson hook of `ohotfix run`: after a failed
// run (res) or a crash (crashed != nil) it hands the run's plain facts to
// watson.OnFailure, which applies the consent rule, queues the report and
// sends it within a few seconds. It runs after the session finished, so the
// main log's last line is still the exit code; nothing it does changes the
// run's code.
func reportFailure(c *cli.Context, s *bootstrap.Session, res *bootstrap.Result, crashed any) {
	if s == nil || crashed == nil && (res == nil || res.Code().IsSuccess()) {
		return
	}
	in := watson.Input{UIMode: uiModeName(s.UI), Invoker: "cli", ToolVersion: bootstrap.Version}
	if s.Opts.IniBase != "" { // set only when running from an attached payload
		in.Invoker = "patch-exe"
	}
	if res != nil {
		in.Code = int(res.Code())
		in.ResultJSON, _ = json.Marshal(res)
	}
	if crashed != nil {
		in.Code, in.Step = 1603, "crash"
		in.InnerError, _, _ = strings.Cut(fmt.Sprint(crashed), "\n")
	}
	if s.Logs != nil {
		in.MainLogPath, in.MsiLogPath = s.Logs.Main, s.Logs.Msi
	}
	// In admin mode the target is the image, whatever failed: its product
	// identity fills P3/P4 even when no patch could be read.
	if !s.Config.IsNormalUpdate && s.Config.AdminPath != "" {
		if im, err := admin.OpenImage(s.Config.AdminPath); err == nil {
			in.ProductCode, in.ProductVersion = im.ProductCode, im.ProductVersion
		}
	}
	cfg := watson.Config{RunSetupWatson: s.Config.RunSetupWatson, URL: s.Config.WatsonURL, Command: "run",
		Interactive: s.UI == bootstrap.UINormal && s.Opts.Interactive}
	var ask func(string) bool
	if cfg.Interactive {
		ask = func(q string) bool { return askYesNo(s.Opts, q+" [y/N] ") }
	}
	// Not the run's context: a run cancelled with Ctrl-C is still
	// reported; the budget bounds the delay.
	ctx, cancel := context.WithTimeout(context.Background(), watson.DefaultBudget+time.Second)
	defer cancel()
	out, err := watson.OnFailure(ctx, in, cfg, ask)
	if s.UI == bootstrap.UIQuiet {
		return
	}
	w := c.App.ErrWriter
	switch {
	case err != nil:
		fmt.Fprintf(w, "ohotfix: the failure report could not be prepared: %v\n", err)
	case out.Report == nil:
	case out.Sent:
		fmt.Fprintf(w, "Failure report %s sent to %s.\n", out.Report.ID[:12], cfg.URL)
	case out.SendErr != nil:
		fmt.Fprintf(w, "Failure report %s is queued in %s (not sent yet: %v); `ohotfix watson send` retries.\n", out.Report.ID[:12], out.Queue, out.SendErr)
	default:
		fmt.Fprintf(w, "Failure report %s is queued in %s; `ohotfix watson send --url URL` sends it.\n", out.Report.ID[:12], out.Queue)
	}
}

func uiModeName(ui bootstrap.UIMode) string {
	switch ui {
	case bootstrap.UIQuiet:
		return "quiet"
	case bootstrap.UIPassive:
		return "passive"
	}
	return "normal"
}
