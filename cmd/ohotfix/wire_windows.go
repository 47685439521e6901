//go:build windows

package main

import (
	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/installer/windows"
)

// newClientBackend drives Windows Installer (msi.dll) for client updates.
func newClientBackend(*bootstrap.Config, *bootstrap.Logs, bool) (installer.Backend, error) {
	return windows.NewUnsupported(), nil
}
