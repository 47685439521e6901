//go:build windows

package main

import (
	"fmt"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/installer/windows"
)

// init starts loading msi.dll while ohotfix parses its command line, reads
// ohotfix.ini and opens its logs, when the command may be a client run: the
// load (~45 ms under Wine) then overlaps work a run does anyway. Other
// commands (cab, msi, patch, admin, version, help) never pay for it.
func init() {
	if mayRunClient(os.Args[1:]) {
		windows.Preload()
	}
}

// mayRunClient: the command is run or check (named, or the default command).
func mayRunClient(args []string) bool {
	if len(args) == 0 {
		return true
	}
	switch strings.ToLower(args[0]) {
	case "cab", "msi", "patch", "admin", "version", "help", "/?", "/h", "/help", "-h", "--help":
		return false
	}
	return true
}

// newClientBackend drives Windows Installer (msi.dll) for client updates,
// with the UI and log levels of ohotfix.ini, its log written into the run's
// _Msi.log, and a 1618 from msi.dll retried for InstallerWaitSeconds.
func newClientBackend(cfg *bootstrap.Config, logs *bootstrap.Logs, _ bool) (installer.Backend, error) {
	opts := windows.Options{
		UILevel:        cfg.MsiUILevel,
		LogLevel:       cfg.MsiLogLevel,
		Wait:           time.Duration(cfg.InstallerWaitSeconds) * time.Second,
		FeatureToCheck: cfg.FeatureToCheck,
	}
	if logs != nil {
		opts.LogPath, opts.Log = logs.Msi, logs.Log
	}
	// A progress bar only where a person watches a console; nothing in
	// quiet mode or into redirected output.
	if !cfg.Quiet() && term.IsTerminal(int(os.Stdout.Fd())) {
		opts.Progress = consoleProgress(os.Stdout)
	}
	return windows.New(opts)
}

// consoleProgress draws Windows Installer's progress as one line that
// rewrites itself: [#####.....]  42%  InstallFiles. The line ends once the
// bar is full; later messages (Windows Installer restarts the bar for some
// actions) wait until it moves back below full.
func consoleProgress(w *os.File) func(windows.Progress) {
	last, lastAction, full := -1, "", false
	return func(p windows.Progress) {
		pct := p.Percent()
		if full && pct == 100 || pct == last && p.Action == lastAction {
			return
		}
		last, lastAction, full = pct, p.Action, pct == 100
		const width = 30
		n := pct * width / 100
		fmt.Fprintf(w, "\r[%s%s] %3d%%  %-30.30s", strings.Repeat("#", n), strings.Repeat(".", width-n), pct, p.Action)
		if full {
			fmt.Fprintln(w)
		}
	}
}
