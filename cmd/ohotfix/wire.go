package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/installer/admin"
	"github.com/ohotfix/ohotfix/installer/lock"
)

// This is the one file that knows the engines: it picks the installer
// backend for the mode and OS, and plugs in the machine-wide install lock
// and the rebooter. bootstrap sees only installer.Backend.

// wireBackends plugs the real installer backends, the install lock and the
// rebooter into the options.
func wireBackends(o *bootstrap.Options) {
	var runCfg *bootstrap.Config // the session's, known once it asks for a backend
	o.Rebooter = bootstrap.SystemRebooter{Prompt: func(msg string) bool {
		if useMessageBoxes(runCfg) {
			return askRestartBox(runCfg, msg)
		}
		return o.Interactive && askYesNo(*o, msg+" [y/N] ")
	}}
	readOnly := o.ReadOnly
	o.NewBackend = func(cfg *bootstrap.Config, logs *bootstrap.Logs) (installer.Backend, error) {
		runCfg = cfg
		if cfg.AdminMode() {
			return newAdminBackend(cfg, readOnly), nil
		}
		return newClientBackend(cfg, logs, readOnly)
	}
	o.Lock = func(ctx context.Context, cfg *bootstrap.Config, logs *bootstrap.Logs) (func(), error) {
		opts := lock.Options{Timeout: lock.WaitFromSeconds(cfg.InstallerWaitSeconds), Logf: logs.Log.Sugar().Infof}
		if useMessageBoxes(cfg) {
			opts.OnBusy = busyPrompt(cfg) // Retry / Cancel
		} else if !cfg.Quiet() && o.Stdout != nil {
			last := ""
			opts.OnBusy = func(b lock.Busy) bool { // say it once per holder
				if holder := b.Holder.String(); holder != last {
					fmt.Fprintf(o.Stdout, "waiting for another installation to finish: %s (up to %s more)\n", holder, b.Remaining.Round(time.Second))
					last = holder
				}
				return true
			}
		}
		h, err := lock.Acquire(ctx, opts)
		if err != nil {
			return nil, err
		}
		return func() { h.Release() }, nil
	}
}

// newAdminBackend is ohotfix's own admin-image engine, on every OS.
func newAdminBackend(cfg *bootstrap.Config, readOnly bool) installer.Backend {
	opts := admin.BackendOptions{ImagePath: cfg.AdminPath, ReadOnly: readOnly,
		LockWait: lock.WaitFromSeconds(cfg.InstallerWaitSeconds)}
	// As msiexec does, the image's own Word Count decides short or long
	// names unless ohotfix.ini or --set says AdminUsesShortFilenames.
	if cfg.Explicit["AdminUsesShortFilenames"] {
		v := cfg.AdminUsesShortFilenames
		opts.ShortNames = &v
	}
	return admin.NewBackend(opts)
}

// mayRunClient: the command is run or check (named, or the default command:
// a folder or switches first), so msi.dll is worth preloading. Any other
// command of the app, or help, is not.
func mayRunClient(args []string) bool {
	if len(args) == 0 {
		return true
	}
	first := strings.ToLower(args[0])
	switch first {
	case "run", "check":
		return true
	case "help", "/?", "/h", "/help", "-h", "--help", "--version":
		return false
	}
	for _, cmd := range commands() {
		if cmd.HasName(first) {
			return false
		}
	}
	return true
}
