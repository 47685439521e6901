package bootstrap

import (
	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
)

// The phases exchange only these plain values (as WiX Burn's engine does):
// Detect produces an Inventory and check verdicts, Plan a list of Steps,
// Apply a StepResult per step, Report the final Result.

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
	// OpenError is set when the file could not be read as a patch.
	OpenError string        `json:"open_error,omitempty"`
	OpenCode  exitcode.Code `json:"-"`
}

// Product is one target a patch may apply to: an installed product (client)
// or the database of an administrative image (admin).
type Product struct {
	Code     string         `json:"product_code"`
	Version  string         `json:"product_version"`
	Name     string         `json:"name,omitempty"`
	Path     string         `json:"path,omitempty"`     // admin: the image's .msi
	Features map[string]int `json:"features,omitempty"` // feature → level (admin) or state (client)
	Applied  []string       `json:"applied_patches,omitempty"`
}

// Inventory is the facts Detect gathered from the backend.
type Inventory struct {
	Mode          string    `json:"mode"`           // "client" or "admin"
	EngineVersion string    `json:"engine_version"` // Windows Installer version (ours in admin mode)
	Products      []Product `json:"products"`
	// Image is what opening AdminPath found (admin mode).
	Image *checks.AdminImage `json:"image,omitempty"`
	// Volumes are the temp and target folders' free space; Reboot the
	// pending-reboot probe. The pipeline measures both.
	Volumes []checks.Volume     `json:"volumes,omitempty"`
	Reboot  *checks.RebootState `json:"reboot,omitempty"`
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
	AlreadyApplied bool     `json:"already_applied,omitempty"`
	Target         *Product `json:"-"`
}

// StepResult is what Apply did for one step.
type StepResult struct {
	Code           exitcode.Code `json:"exit_code"`
	RebootNeeded   bool          `json:"reboot_needed,omitempty"`
	AlreadyApplied bool          `json:"already_applied,omitempty"`
	Message        string        `json:"message,omitempty"`
}

// CheckVerdict is one pre-flight check's outcome as reports show it.
type CheckVerdict struct {
	Name   string        `json:"name"`
	Status string        `json:"status"` // passed, failed, skipped, warning
	Passed bool          `json:"passed"`
	Reason string        `json:"reason"`
	Code   exitcode.Code `json:"code,omitempty"`
	// Link is a URL the UI may offer (MsiUpgradeURL when UpgradeMsi=1).
	Link string `json:"link,omitempty"`
}

// Plan is the output of Detect+Plan: all `ohotfix check` shows.
type Plan struct {
	Inventory *Inventory     `json:"inventory"`
	Patches   []PatchInfo    `json:"patches"`
	Checks    []CheckVerdict `json:"checks"`
	Steps     []Step         `json:"steps"`
	// Code is what a real run would return before applying anything
	// (0 when there is something to apply or nothing to do).
	Code   exitcode.Code `json:"code"`
	Reason string        `json:"reason,omitempty"`
}

// ToApply lists the steps Apply will carry out, in order.
func (p *Plan) ToApply() []Step {
	var out []Step
	for _, s := range p.Steps {
		if s.Decision == Apply {
			out = append(out, s)
		}
	}
	return out
}
