//go:build !windows

package main

import (
	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/installer/windows"
)

// newClientBackend: client updates need Windows Installer, which exists only
// on Windows (1633 with what works here instead).
func newClientBackend(*bootstrap.Config, *bootstrap.Logs, bool) (installer.Backend, error) {
	return windows.NewUnsupported(), nil
}
