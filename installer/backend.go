// Package installer is the contract between the bootstrapper's pipeline and
// the installers that carry patches out, in the spirit of database/sql/driver:
// bootstrap speaks only these types; each engine (installer/admin for
// administrative images, installer/windows for Windows Installer) implements
// Backend; cmd/ohotfix picks one per mode and OS.
//
// Every type here is plain data, so Detect, Plan and Apply can exchange it
// (as WiX Burn's engine does) and `ohotfix check --json` can print it.
package installer

import (
	"context"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// Mode names the kind of update a backend serves (ohotfix.ini IsNormalUpdate).
const (
	ModeClient = string(checks.Client) // installed products, through Windows Installer
	ModeAdmin  = string(checks.Admin)  // an administrative image, through our own engine
)

// Backend is an installer that can take inventory of targets and apply one
// patch to one target. A backend never talks to the UI: it returns data, and
// writes its own diagnostics to the logger it is given.
type Backend interface {
	// Mode is ModeClient or ModeAdmin.
	Mode() string
	// Inventory gathers the facts Detect needs for these patches. It must
	// not change anything a read-only caller (ohotfix check) cares about.
	Inventory(ctx context.Context, patches []PatchInfo) (*Inventory, error)
	// Apply applies step.Patch to step.Target. log receives the engine's
	// detailed trace (the Msi log of the pair); never nil.
	Apply(ctx context.Context, step Step, log *zap.Logger) Outcome
}

// PatchInfo is what Detect learned of one .msp file.
type PatchInfo struct {
	File         string   `json:"file"`
	PatchCode    string   `json:"patch_code,omitempty"`
	Obsoletes    []string `json:"obsoletes,omitempty"`
	Targets      []string `json:"targets,omitempty"` // product codes the patch names
	MinInstaller int      `json:"min_installer,omitempty"`
	DisplayName  string   `json:"display_name,omitempty"`
	Family       string   `json:"family,omitempty"`   // MsiPatchSequence PatchFamily
	Sequence     string   `json:"sequence,omitempty"` // MsiPatchSequence Sequence
	// SupersedeEarlier: the patch carries every fix of its family's lower
	// sequences (MsiPatchSequence Attributes bit 1).
	SupersedeEarlier bool  `json:"supersede_earlier,omitempty"`
	PayloadSize      int64 `json:"payload_size,omitempty"`
	// Transforms are the patch's product transforms (summary only), in the
	// order the installer tries them: the planner validates them against
	// each Target's Baseline.
	Transforms []checks.TransformInfo `json:"-"`
	// OpenError is set when the file could not be read as a patch; OpenCode
	// is then 1635 (cannot be opened) or 1636 (invalid).
	OpenError string        `json:"open_error,omitempty"`
	OpenCode  exitcode.Code `json:"-"`
}

// Feature is one feature of a target. Installed is typed, never derived from
// a number: for an installed product it is the install state (local, source
// or advertised count, absent does not); for an admin image it is a non-zero
// Feature.Level (level-0 features are not in the image).
type Feature struct {
	Name      string `json:"name"`
	Installed bool   `json:"installed"`
	// Level is the Feature table's Level (admin images; 0 = unknown on a
	// client). State is Windows Installer's install state by name
	// ("local", "source", "advertised", "absent", "unknown"; client only).
	Level int    `json:"level,omitempty"`
	State string `json:"state,omitempty"`
}

// CustomAction is a custom action of a target's package worth telling the
// user about before patching: nested installations (base types 7, 23, 39)
// hold the installation mutex, so a patch that runs them fails with 1618
// (KB 822454).
type CustomAction struct {
	Action    string `json:"action"`
	Type      int    `json:"type"`
	Table     string `json:"table,omitempty"` // the sequence table that schedules it
	Sequence  int    `json:"sequence,omitempty"`
	Condition string `json:"condition,omitempty"`
}

// Target is one product a patch may apply to: an installed product (client)
// or the database of an administrative image (admin).
type Target struct {
	Code     string    `json:"product_code"`
	Version  string    `json:"product_version"`
	Name     string    `json:"name,omitempty"`
	Path     string    `json:"path,omitempty"` // admin: the image's .msi; client: InstallLocation
	Applied  []string  `json:"applied_patches,omitempty"`
	Features []Feature `json:"features,omitempty"`
	// Client only: the install context ("machine", "user-managed",
	// "user-unmanaged"), the user SID for per-user contexts, and the cached
	// package Windows Installer keeps for the product.
	Context      string `json:"context,omitempty"`
	UserSID      string `json:"user_sid,omitempty"`
	LocalPackage string `json:"local_package,omitempty"`
	// NestedInstalls are the nested-installation custom actions of the
	// product's package (client; reported by ohotfix check).
	NestedInstalls []CustomAction `json:"nested_installs,omitempty"`
	// Baseline is what a patch's transforms are validated against: the
	// image's database (admin), or the cached package with the installed
	// product code and version (client: the product as its applied patches
	// left it, which is what Windows Installer validates). nil = unknown:
	// the planner does not validate and the engine decides.
	Baseline *transform.Facts `json:"baseline,omitempty"`
}

// Inventory is the facts Detect gathered from the backend.
type Inventory struct {
	Mode          string   `json:"mode"`           // ModeClient or ModeAdmin
	EngineVersion string   `json:"engine_version"` // Windows Installer version (ours in admin mode)
	Targets       []Target `json:"targets"`
	// Image is what opening AdminPath found (admin mode).
	Image *checks.AdminImage `json:"image,omitempty"`
	// Volumes are the temp and target folders' free space; Reboot the
	// pending-reboot probe. The pipeline measures both.
	Volumes []checks.Volume     `json:"volumes,omitempty"`
	Reboot  *checks.RebootState `json:"reboot,omitempty"`
	// Warnings are facts the user should read that do not stop the run.
	Warnings []string `json:"warnings,omitempty"`
	// Space is, per patch file, what applying it writes, as the engine
	// counts it; a patch missing here is estimated from its size.
	Space map[string]Space `json:"space,omitempty"`
}

// Space is the bytes one patch's application writes into the temp folder
// and into the target's folder.
type Space struct {
	Temp   uint64 `json:"temp"`
	Target uint64 `json:"target"`
}

// Decision is what Plan decided for one patch and one target.
type Decision string

const (
	Apply  Decision = "apply"
	Skip   Decision = "skip"   // not needed here; not an error
	Refuse Decision = "refuse" // needed but not allowed; fails the run
)

// Step is one planned (patch, target) pair.
type Step struct {
	Patch    PatchInfo     `json:"-"`
	File     string        `json:"patch"`
	Product  string        `json:"product_code,omitempty"`
	Decision Decision      `json:"decision"`
	Reason   string        `json:"reason"`
	Code     exitcode.Code `json:"code,omitempty"` // for Refuse
	// AlreadyApplied: skipped because the target records the patch.
	AlreadyApplied bool    `json:"already_applied,omitempty"`
	Target         *Target `json:"-"`
}

// Outcome is what Apply did for one step.
type Outcome struct {
	Code           exitcode.Code `json:"exit_code"`
	RebootNeeded   bool          `json:"reboot_needed,omitempty"`
	AlreadyApplied bool          `json:"already_applied,omitempty"`
	Message        string        `json:"message,omitempty"`
	// InnerError is the installer's own error number when it differs from
	// Code (e.g. the Windows Installer error behind a 1603); 0 = none.
	InnerError int `json:"inner_error,omitempty"`
	// Warnings: the step succeeded, but the user should know (e.g. leftovers
	// a committed admin update could not clean up).
	Warnings []string `json:"warnings,omitempty"`
}

// Failed reports whether the outcome is a failure (not 0, 3010 or 1641).
func (o Outcome) Failed() bool { return !o.Code.IsSuccess() }
