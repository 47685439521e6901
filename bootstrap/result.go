package bootstrap

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/ohotfix/ohotfix/installer"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/atomicfile"
)

// Version is ohotfix's own version, set at build time with
// -ldflags "-X github.com/ohotfix/ohotfix/bootstrap.Version=...".
var Version = "0.1.0-dev"

// ResultSchema versions the JSON result document.
const ResultSchema = 1

// Result is the outcome of a run, written as JSON by --result-json /
// ResultFile= (also when the run fails) and summarised on the console.
type Result struct {
	Schema   int            `json:"schema"`
	Version  string         `json:"ohotfix_version"`
	Mode     string         `json:"mode"`
	Started  time.Time      `json:"started"`
	Finished time.Time      `json:"finished"`
	Checks   []CheckVerdict `json:"checks"`
	Patches  []PatchResult  `json:"patches"`
	// ExitCode is the full Windows Installer-style code; Status is what a
	// POSIX process status shows (its low byte).
	ExitCode        int    `json:"exit_code"`
	ExitName        string `json:"exit_name"`
	Status          int    `json:"posix_status"`
	Reason          string `json:"reason,omitempty"`
	RebootNeeded    bool   `json:"reboot_needed"`
	RebootInitiated bool   `json:"reboot_initiated"`
	// RerunDir is where a packed executable kept its payload
	// (CopyFilesToRerun=1): `ohotfix run RerunDir` runs the update again.
	RerunDir string `json:"rerun_dir,omitempty"`
	Logs     struct {
		Main string `json:"main,omitempty"`
		Msi  string `json:"msi,omitempty"`
	} `json:"logs"`
}

// PatchResult is one patch's part of the result.
type PatchResult struct {
	File      string             `json:"file"`
	PatchCode string             `json:"patch_code,omitempty"`
	Targets   []string           `json:"targets"`
	Decision  installer.Decision `json:"decision"`
	Reason    string             `json:"reason,omitempty"`
	PerTarget []TargetResult     `json:"per_target"`
}

// TargetResult is the outcome for one (patch, target) pair.
type TargetResult struct {
	Product  string             `json:"product_code,omitempty"`
	Decision installer.Decision `json:"decision"`
	Reason   string             `json:"reason,omitempty"`
	ExitCode *int               `json:"exit_code,omitempty"` // set when applied (or refused)
	Message  string             `json:"message,omitempty"`
}

func newResult(mode string, logs *Logs) *Result {
	r := &Result{Schema: ResultSchema, Version: Version, Mode: mode, Started: time.Now().UTC(),
		Checks: []CheckVerdict{}, Patches: []PatchResult{}}
	if logs != nil {
		r.Logs.Main, r.Logs.Msi = logs.Main, logs.Msi
	}
	return r
}

// NewFailedResult is the result of a run that stopped before the pipeline
// started (bad command line, bad ini).
func NewFailedResult(mode string, logs *Logs, err error) *Result {
	r := newResult(mode, logs)
	r.finish(exitcode.Of(err), err.Error())
	return r
}

// ReportEarlyFailure records a run that stopped before its configuration
// was usable (bad command line or ini): a log pair with the reason and the
// full code in its last line, and the JSON result when --result-json was
// given, so deployment tools see the same evidence as for any failure.
func ReportEarlyFailure(o Options, err error) {
	logs := NopLogs()
	if !o.ReadOnly { // ohotfix check changes nothing: no log pair
		if l, lerr := OpenLogs(LogDir(), o.LogFile, "v", "v"); lerr == nil {
			logs = l
		}
	}
	res := NewFailedResult("unknown", logs, err)
	s := &Session{Opts: o, Logs: logs, Config: &Config{ResultFile: o.ResultJSON}}
	logs.Log.Error("ohotfix cannot start: " + err.Error())
	s.Finish(res)
}

// PlanResult is the result of a detect+plan-only run (ohotfix check).
func PlanResult(mode string, logs *Logs, p *Plan) *Result {
	r := newResult(mode, logs)
	r.addPlan(p)
	r.finish(p.Code, p.Reason)
	return r
}

func (r *Result) addPlan(p *Plan) {
	if p == nil {
		return
	}
	r.Checks = append(r.Checks, p.Checks...)
	for _, pi := range p.Patches {
		pr := PatchResult{File: pi.File, PatchCode: pi.PatchCode, Targets: append([]string{}, pi.Targets...), Decision: installer.Skip, PerTarget: []TargetResult{}}
		for _, s := range p.Steps {
			if s.File != pi.File {
				continue
			}
			tr := TargetResult{Product: s.Product, Decision: s.Decision, Reason: s.Reason}
			if s.Decision == installer.Refuse {
				c := int(s.Code)
				tr.ExitCode = &c
			}
			pr.PerTarget = append(pr.PerTarget, tr)
			if s.Decision == installer.Refuse || (s.Decision == installer.Apply && pr.Decision != installer.Refuse) {
				pr.Decision = s.Decision
			}
			if pr.Reason == "" || s.Decision != installer.Skip {
				pr.Reason = s.Reason
			}
		}
		r.Patches = append(r.Patches, pr)
	}
}

func (r *Result) addStep(s installer.Step, sr installer.Outcome) {
	for i := range r.Patches {
		if r.Patches[i].File != s.File {
			continue
		}
		for j := range r.Patches[i].PerTarget {
			t := &r.Patches[i].PerTarget[j]
			if t.Product == s.Product {
				c := int(sr.Code)
				t.ExitCode, t.Message = &c, sr.Message
				if sr.AlreadyApplied {
					// Another run applied it between our plan and our turn
					// with the lock: report what happened, not the plan.
					// (a skip carries no exit code: docs/result.schema.json)
					t.Decision, t.Reason, t.ExitCode = installer.Skip, "already applied (found when applying: another run applied it first)", nil
				}
			}
		}
		if allSkipped(r.Patches[i].PerTarget) {
			r.Patches[i].Decision = installer.Skip
			r.Patches[i].Reason = r.Patches[i].PerTarget[0].Reason
		}
	}
	if sr.RebootNeeded || sr.Code == exitcode.RebootRequired || sr.Code == exitcode.RebootInitiated {
		r.RebootNeeded = true
	}
}

func (r *Result) finish(code exitcode.Code, reason string) {
	r.Finished = time.Now().UTC()
	r.ExitCode, r.ExitName, r.Status = int(code), code.Name(), code.Status()
	if reason != "" {
		r.Reason = reason
	}
}

// Code is the run's final code.
func (r *Result) Code() exitcode.Code { return exitcode.Code(r.ExitCode) }

// WriteFile writes the result as JSON atomically: a temp file beside path,
// then a rename, so a reader never sees half a document.
func (r *Result) WriteFile(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(path, append(data, '\n'), 0o644)
}

// Applied counts the (patch, target) pairs that were applied successfully.
func (r *Result) Applied() int {
	n := 0
	for _, p := range r.Patches {
		for _, t := range p.PerTarget {
			if t.Decision == installer.Apply && t.ExitCode != nil && exitcode.Code(*t.ExitCode).IsSuccess() {
				n++
			}
		}
	}
	return n
}

func allSkipped(ts []TargetResult) bool {
	for _, t := range ts {
		if t.Decision != installer.Skip {
			return false
		}
	}
	return len(ts) > 0
}
