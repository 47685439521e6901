package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/installer/lock"
)

// wireBackends plugs the real installer backends, the machine-wide install
// lock and the rebooter into the options.
func wireBackends(o *bootstrap.Options) {
	o.Rebooter = bootstrap.SystemRebooter{Prompt: func(msg string) bool {
		return o.Interactive && askYesNo(*o, msg+" [y/N] ")
	}}
	readOnly := o.ReadOnly
	// The installer for the configuration: ohotfix's own admin-image
	// engine, or Windows Installer for client updates.
	o.NewBackend = func(cfg *bootstrap.Config, _ *bootstrap.Logs) (bootstrap.Backend, error) {
		if cfg.AdminMode() {
			b := bootstrap.NewAdminBackend(cfg)
			b.ReadOnly = readOnly
			return b, nil
		}
		return bootstrap.UnsupportedBackend{Reason: bootstrap.ClientUnsupportedReason()}, nil
	}
	o.Lock = func(ctx context.Context, cfg *bootstrap.Config, logs *bootstrap.Logs) (func(), error) {
		opts := lock.Options{Timeout: lock.WaitFromSeconds(cfg.InstallerWaitSeconds), Logf: logs.Log.Sugar().Infof}
		if !cfg.Quiet() && o.Stdout != nil {
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
