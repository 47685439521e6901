package bootstrap

import (
	"context"
	"runtime"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
)

// Backend is an installer that can take inventory of targets and apply one
// patch to one target. The client backend drives Windows Installer
// (msi.dll); the admin backend is ohotfix's own engine for administrative
// images. A backend never talks to the UI.
type Backend interface {
	Mode() string
	// Inventory gathers the facts Detect needs for these patches.
	Inventory(ctx context.Context, patches []PatchInfo) (*Inventory, error)
	// Apply applies step.Patch to step.Target.
	Apply(ctx context.Context, step Step, logs *Logs) StepResult
}

// UnsupportedBackend stands for a mode this build cannot serve (client
// patching needs Windows Installer, which exists only on Windows). Its
// inventory fails with 1633 and a reason.
type UnsupportedBackend struct{ Reason string }

func (u UnsupportedBackend) Mode() string { return "client" }

func (u UnsupportedBackend) Inventory(context.Context, []PatchInfo) (*Inventory, error) {
	return nil, exitcode.New(exitcode.PlatformUnsupported, "%s", u.Reason)
}

func (u UnsupportedBackend) Apply(context.Context, Step, *Logs) StepResult {
	return StepResult{Code: exitcode.PlatformUnsupported, Message: u.Reason}
}

// ClientUnsupportedReason explains why client mode cannot run here.
func ClientUnsupportedReason() string {
	if runtime.GOOS == "windows" {
		return "client patching through Windows Installer (msi.dll) is not available in this build yet; " +
			"use admin mode (/admin:PATH.msi or IsNormalUpdate=0) to patch an administrative image"
	}
	return "client patching needs Windows Installer, which exists only on Windows; on " + runtime.GOOS +
		" ohotfix patches administrative images (/admin:PATH.msi or IsNormalUpdate=0 with AdminPath=)"
}

// AdminEngineVersion is the Windows Installer version whose patching
// features ohotfix's own admin-image engine implements (see checks).
const AdminEngineVersion = checks.AdminEngineVersion
