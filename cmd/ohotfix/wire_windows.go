//go:build windows

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/installer/windows"
	"github.com/ohotfix/ohotfix/internal/selfexe"
)

// init starts loading msi.dll while ohotfix parses its command line, reads
// ohotfix.ini, opens its logs and reads the patches, when the command may be
// a client run: the load and the initialisation of the DLLs it pulls in
// (~80-130 ms under Wine, most of a small patch's run) then overlap work a
// run does anyway. Other commands (see mayRunClient) never pay for it.
func init() {
	if mayRunClient(os.Args[1:]) {
		warmUp()
		windows.Preload()
	}
}

// warmUp makes, before msi.dll starts loading, the first calls of the system
// functions a run needs before msi.dll. The DLLs' initialisation holds the
// loader lock, and so does Go's first call of any system function (resolved
// lazily through GetProcAddress) and GetModuleFileNameW: without this, the
// main path waits for msi.dll instead of working meanwhile (measured under
// Wine: "read ohotfix.ini" came after msi.dll's initialisation, now before).
// A call missed here only waits, as before.
func warmUp() {
	exe, err := selfexe.Path()
	if err != nil {
		return
	}
	if f, err := os.Open(exe); err == nil {
		var b [1]byte
		f.Stat()
		f.ReadAt(b[:], 0)
		f.Close()
	}
	if d, err := os.Open(filepath.Dir(exe)); err == nil {
		d.ReadDir(1)
		d.Close()
	}
	os.Getwd()
	os.Lstat(os.TempDir())
	// The log's timestamps: the local zone comes from the registry.
	fmt.Fprint(io.Discard, time.Now().Local())
	term.IsTerminal(int(os.Stdout.Fd()))
	term.IsTerminal(int(os.Stdin.Fd()))
}

// newClientBackend drives Windows Installer (msi.dll) for client updates,
// with the UI and log levels of ohotfix.ini, its log written into the run's
// _Msi.log, and a 1618 from msi.dll retried for InstallerWaitSeconds.
func newClientBackend(cfg *bootstrap.Config, logs *bootstrap.Logs, readOnly bool) (installer.Backend, error) {
	opts := windows.Options{
		UILevel:        cfg.MsiUILevel,
		LogLevel:       cfg.MsiLogLevel,
		Wait:           time.Duration(cfg.InstallerWaitSeconds) * time.Second,
		FeatureToCheck: cfg.FeatureToCheck,
		AllFeatures:    readOnly, // check shows them all
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
