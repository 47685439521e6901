package bootstrap

import (
	"context"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
)

// Pipeline runs Detect → Plan → Apply → Report for one folder of patches.
// The phases exchange plain data (installer.Inventory, Plan, installer.Step,
// installer.Outcome, Result) and never talk to the UI: Progress is the only
// way out, and the caller decides what it prints.
type Pipeline struct {
	Config  *Config
	Dir     string // holds the .msp files (and usually ohotfix.ini)
	Backend installer.Backend
	// ReadPatch reads one .msp's metadata; a failure is recorded in the
	// returned PatchInfo (OpenError/OpenCode).
	ReadPatch func(path string) installer.PatchInfo
	// Checks evaluates the pre-flight checks on the detected facts, as
	// plannedFacts made them from the inventory and the patches.
	Checks func(cfg *Config, facts *checks.Facts, patches []installer.PatchInfo) CheckOutcome
	// Lock takes the machine-wide install lock for the apply phase only.
	Lock func(ctx context.Context) (release func(), err error)
	Logs *Logs
	// Progress receives human-readable progress lines (nil when quiet).
	Progress func(format string, args ...any)
	// Measure makes Detect measure free space and probe for a pending
	// reboot (off in unit tests, where the machine's state must not matter).
	Measure bool
	// Restart and UI come from the switches; Rebooter carries out a restart.
	Restart  RestartSwitch
	UI       UIMode
	Rebooter Rebooter
}

func (p *Pipeline) log() *zap.Logger {
	if p.Logs == nil || p.Logs.Log == nil {
		return zap.NewNop()
	}
	return p.Logs.Log
}

// msiLog is the installer's own log of the pair (the engine's trace).
func (p *Pipeline) msiLog() *zap.Logger {
	if p.Logs == nil || p.Logs.MsiLog == nil {
		return zap.NewNop()
	}
	return p.Logs.MsiLog
}

func (p *Pipeline) progress(format string, args ...any) {
	if p.Progress != nil {
		p.Progress(format, args...)
	}
}

// Run executes the whole pipeline and returns its result (never nil).
func (p *Pipeline) Run(ctx context.Context) *Result {
	res := newResult(p.Backend.Mode(), p.Logs)
	plan, err := p.Plan(ctx)
	res.addPlan(plan)
	if err != nil || plan.Code != exitcode.Success {
		code, reason := plan.Code, plan.Reason
		p.log().Error("stopped before applying", zap.Int("code", int(code)), zap.String("reason", reason))
		res.finish(code, reason)
		return res
	}
	steps := plan.ToApply()
	if len(steps) == 0 {
		p.progress("%s", plan.Reason)
		res.finish(exitcode.Success, plan.Reason)
		return res
	}
	unlock, ok := p.applySteps(ctx, steps, res)
	// The lock is released before the restart decision, which may wait
	// for a person to answer.
	unlock()
	if !ok {
		return res
	}
	in := RebootInput{Needed: res.RebootNeeded, Switch: p.Restart, UI: p.UI, RebootInQuietMode: p.Config.RebootInQuietMode}
	action := DecideReboot(in)
	code, err := FinishReboot(in, action, p.Rebooter)
	if err != nil {
		p.log().Warn("restart failed", zap.Error(err))
	}
	res.RebootInitiated = code == exitcode.RebootInitiated
	res.finish(code, "")
	return res
}
