package checks

import "github.com/ohotfix/ohotfix/exitcode"

// Status is the outcome of one check, or of one patch within a check.
type Status string

const (
	Passed  Status = "passed"  // the condition holds
	Failed  Status = "failed"  // the condition does not hold; Code says why
	Skipped Status = "skipped" // the check does not apply (not configured, no inputs) or, for a patch, it is not needed
	Warning Status = "warning" // worth telling the user, but the run goes on
)

// Check is one pre-flight rule, configured with its ini parameters.
type Check interface {
	// Name is the stable identifier shown in logs and in the JSON result.
	Name() string
	// Run judges f. It must not modify f.
	Run(f *Facts) Result
}

// Result is one check's verdict.
type Result struct {
	Name   string        `json:"name"`
	Status Status        `json:"status"`
	Passed bool          `json:"passed"` // false only when Status is Failed
	Reason string        `json:"reason"`
	Code   exitcode.Code `json:"code,omitempty"` // set when Status is Failed
	// Link is a URL the UI may offer to open (e.g. MsiUpgradeURL when the
	// installer engine is too old and UpgradeMsi=1).
	Link string `json:"link,omitempty"`
	// Patches holds per-patch verdicts for checks that judge single patches:
	// only patches the check excludes (Skipped: not needed; Failed: cannot be
	// applied) are listed.
	Patches []PatchVerdict `json:"patches,omitempty"`
}

// PatchVerdict excludes one patch from the run, with the reason.
type PatchVerdict struct {
	Patch  string        `json:"patch"` // Patch.Name
	Status Status        `json:"status"`
	Reason string        `json:"reason"`
	Code   exitcode.Code `json:"code,omitempty"` // for Failed verdicts
}

// Blocking reports whether r stops the run.
func (r Result) Blocking() bool { return r.Status == Failed }

func passed(name, reason string) Result {
	return Result{Name: name, Status: Passed, Passed: true, Reason: reason}
}

func skipped(name, reason string) Result {
	return Result{Name: name, Status: Skipped, Passed: true, Reason: reason}
}

func warning(name, reason string) Result {
	return Result{Name: name, Status: Warning, Passed: true, Reason: reason}
}

func failed(name string, code exitcode.Code, reason string) Result {
	return Result{Name: name, Status: Failed, Reason: reason, Code: code}
}
