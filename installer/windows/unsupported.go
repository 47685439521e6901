package windows

import (
	"context"
	"runtime"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
)

// Unsupported stands for client mode where Windows Installer cannot serve
// it. Its inventory fails with 1633 and a reason that names what works here.
type Unsupported struct{ Reason string }

// NewUnsupported returns the client backend for systems without msi.dll.
func NewUnsupported() Unsupported { return Unsupported{Reason: UnsupportedReason()} }

func (u Unsupported) Mode() string { return installer.ModeClient }

func (u Unsupported) Inventory(context.Context, []installer.PatchInfo) (*installer.Inventory, error) {
	return nil, exitcode.New(exitcode.PlatformUnsupported, "%s", u.Reason)
}

func (u Unsupported) Apply(context.Context, installer.Step, *zap.Logger) installer.Outcome {
	return installer.Outcome{Code: exitcode.PlatformUnsupported, Message: u.Reason}
}

// UnsupportedReason explains why client mode cannot run here.
func UnsupportedReason() string {
	if runtime.GOOS == "windows" {
		return "client patching through Windows Installer (msi.dll) is not available in this build; " +
			"use admin mode (/admin:PATH.msi or IsNormalUpdate=0) to patch an administrative image"
	}
	return "client patching needs Windows Installer, which exists only on Windows; on " + runtime.GOOS +
		" ohotfix patches administrative images (/admin:PATH.msi or IsNormalUpdate=0 with AdminPath=)"
}
