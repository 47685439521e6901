package bootstrap

import (
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
)

// The phases exchange only these plain values (as WiX Burn's engine does):
// Detect produces an Inventory and check verdicts, Plan a list of Steps,
// Apply a StepResult per step, Report the final Result.

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
	Inventory *installer.Inventory  `json:"inventory"`
	Patches   []installer.PatchInfo `json:"patches"`
	Checks    []CheckVerdict        `json:"checks"`
	Steps     []installer.Step      `json:"steps"`
	// Code is what a real run would return before applying anything
	// (0 when there is something to apply or nothing to do).
	Code   exitcode.Code `json:"code"`
	Reason string        `json:"reason,omitempty"`
}

// ToApply lists the steps Apply will carry out, in order.
func (p *Plan) ToApply() []installer.Step {
	var out []installer.Step
	for _, s := range p.Steps {
		if s.Decision == installer.Apply {
			out = append(out, s)
		}
	}
	return out
}

// CheckOutcome is what the pre-flight checks decided.
type CheckOutcome struct {
	Verdicts []CheckVerdict
	// Code/Reason: the first blocking failure (Success when none).
	Code   exitcode.Code
	Reason string
	// PatchSkip and PatchRefuse hold per-patch verdicts by file.
	PatchSkip   map[string]string
	PatchRefuse map[string]CheckVerdict
	// Where lists, per patch file, the product codes the patch is needed
	// on; a patch missing from the map is judged by its targets alone.
	Where map[string][]string
}
