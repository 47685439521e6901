package watson

import (
	"runtime"
	"time"
)

// EventType is the DW event type of every report ohotfix makes.
const EventType = "OHotfixSetupFailure"

// Phases of a run, the values of Input.Phase (P5).
const (
	PhaseDetect  = "detect"
	PhasePlan    = "plan"
	PhaseExtract = "extract"
	PhaseApply   = "apply"
	PhaseReport  = "report"
)

// Input is everything a report is made of, as plain values: the caller (a
// failed run) fills what it knows; empty fields become "-" in the bucket
// parameters. FillFromResult completes it from the JSON result.
type Input struct {
	Code           int    // the run's final exit code (P7)
	Phase          string // detect, plan, extract, apply or report (P5)
	Step           string // the failing step, e.g. "admin-apply" or a check name (P6)
	PatchCode      string // the failing patch's code, or its package (file) name (P2)
	ProductCode    string // the target product code (P3)
	ProductVersion string // the target product version (P4)
	InnerError     string // the installer's own error (a Windows Installer code or message) (P8)
	UIMode         string // normal, passive or quiet (P10)
	Invoker        string // who started ohotfix: cli, patch-exe, … (P10)
	ToolVersion    string // ohotfix's version (P1)

	ResultJSON  []byte // the run's JSON result document (attached, redacted)
	MainLogPath string // the ohotfix log (attached, redacted)
	MsiLogPath  string // the Msi log (its tail around the failure is attached, redacted)

	// OS and Arch default to the running system (P9).
	OS, Arch string
	// Time is when the failure happened (default: now); it is written into
	// the manifest and the members' dates, so every failed run makes a
	// different cabinet and thus a new report id.
	Time time.Time
}

func (in *Input) defaults() {
	if in.OS == "" {
		in.OS = runtime.GOOS
	}
	if in.Arch == "" {
		in.Arch = runtime.GOARCH
	}
	if in.Time.IsZero() {
		in.Time = time.Now()
	}
	in.Time = in.Time.UTC().Truncate(time.Second)
}
