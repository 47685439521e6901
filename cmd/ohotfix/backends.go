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
	o.NewBackend = func(cfg *bootstrap.Config, logs *bootstrap.Logs) (bootstrap.Backend, error) {
		b, err := newBackend(cfg, logs)
		if ab, ok := b.(*bootstrap.AdminBackend); ok {
			ab.ReadOnly = readOnly
		}
		return b, err
	}
	o.Lock = func(ctx context.Context, cfg *bootstrap.Config, logs *bootstrap.Logs) (func(), error) {
		opts := lock.Options{Timeout: lock.WaitFromSeconds(cfg.InstallerWaitSeconds), Logf: logs.Log.Sugar().Infof}
		if !cfg.Quiet() && o.Stdout != nil {
			last := ""
			opts.OnBusy = func(b lock.Busy) bool {
				if msg := fmt.Sprintf("waiting for another installation to finish: %s (up to %s more)", b.Holder, b.Remaining.Round(time.Second)); b.Holder.String() != last {
					fmt.Fprintln(o.Stdout, msg)
					last = b.Holder.String()
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

// newBackend picks the installer for the configuration: ohotfix's own
// admin-image engine, or Windows Installer for client updates.
func newBackend(cfg *bootstrap.Config, logs *bootstrap.Logs) (bootstrap.Backend, error) {
	if cfg.AdminMode() {
		return bootstrap.NewAdminBackend(cfg), nil
	}
	return bootstrap.UnsupportedBackend{Reason: bootstrap.ClientUnsupportedReason()}, nil
}
