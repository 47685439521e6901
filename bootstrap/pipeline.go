package bootstrap

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/exitcode"
)

// Pipeline runs Detect → Plan → Apply → Report for one folder of patches.
type Pipeline struct {
	Config  *Config
	Dir     string // holds the .msp files (and usually ohotfix.ini)
	Backend Backend
	// ReadPatch reads one .msp's metadata; a failure is recorded in the
	// returned PatchInfo (OpenError/OpenCode).
	ReadPatch func(path string) PatchInfo
	// Checks evaluates the pre-flight checks on the detected facts.
	Checks func(cfg *Config, inv *Inventory, patches []PatchInfo) CheckOutcome
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

func (p *Pipeline) log() *zap.Logger {
	if p.Logs == nil || p.Logs.Log == nil {
		return zap.NewNop()
	}
	return p.Logs.Log
}

func (p *Pipeline) progress(format string, args ...any) {
	if p.Progress != nil {
		p.Progress(format, args...)
	}
}

// FindPatches lists the .msp files in dir, sorted by name.
func FindPatches(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".msp") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// Detect reads the patches and takes the backend's inventory. It changes
// nothing.
func (p *Pipeline) Detect(ctx context.Context) (*Inventory, []PatchInfo, error) {
	files, err := FindPatches(p.Dir)
	if err != nil {
		return nil, nil, exitcode.New(exitcode.PatchOpenFailed, "cannot list patches in %s: %v", p.Dir, err)
	}
	p.log().Info("detect", zap.String("dir", p.Dir), zap.Int("patches", len(files)))
	var patches []PatchInfo
	for _, f := range files {
		pi := p.ReadPatch(f)
		if pi.OpenError != "" {
			p.log().Warn("patch unreadable", zap.String("file", f), zap.String("error", pi.OpenError))
		} else {
			p.log().Info("patch", zap.String("file", f), zap.String("patch_code", pi.PatchCode),
				zap.Strings("targets", pi.Targets), zap.Int("min_installer", pi.MinInstaller))
		}
		patches = append(patches, pi)
	}
	inv, err := p.Backend.Inventory(ctx, patches)
	if err != nil {
		return nil, patches, err
	}
	if p.Measure {
		target := ""
		if inv.Image != nil {
			target = filepath.Dir(inv.Image.Path)
		}
		MeasureFacts(inv, target)
	}
	for _, pr := range inv.Products {
		p.log().Info("target", zap.String("product_code", pr.Code), zap.String("version", pr.Version),
			zap.String("path", pr.Path), zap.Strings("applied", pr.Applied))
	}
	return inv, patches, nil
}

// Plan runs Detect and the checks and decides each (patch, target) pair.
// It changes nothing; `ohotfix check` stops here.
func (p *Pipeline) Plan(ctx context.Context) (*Plan, error) {
	inv, patches, err := p.Detect(ctx)
	if err != nil {
		return &Plan{Inventory: inv, Patches: patches, Code: exitcode.Of(err), Reason: err.Error()}, err
	}
	plan := &Plan{Inventory: inv, Patches: orderPatches(patches)}
	var out CheckOutcome
	if p.Checks != nil {
		out = p.Checks(p.Config, inv, plan.Patches)
	}
	plan.Checks = out.Verdicts
	for _, v := range out.Verdicts {
		p.log().Info("check", zap.String("name", v.Name), zap.String("status", v.Status), zap.String("reason", v.Reason))
	}
	plan.Steps = decide(plan.Patches, inv.Products, out)
	for _, s := range plan.Steps {
		p.log().Info("plan", zap.String("patch", s.File), zap.String("product", s.Product),
			zap.String("decision", string(s.Decision)), zap.String("reason", s.Reason))
	}
	switch {
	case out.Code != exitcode.Success:
		plan.Code, plan.Reason = out.Code, out.Reason
	default:
		for _, s := range plan.Steps {
			if s.Decision == Refuse {
				plan.Code, plan.Reason = s.Code, fmt.Sprintf("%s: %s", filepath.Base(s.File), s.Reason)
				break
			}
		}
	}
	if plan.Code == exitcode.Success && p.Config.RequireAllPatchesNeeded {
		for _, pi := range plan.Patches {
			if !patchApplies(plan.Steps, pi.File) {
				plan.Code = exitcode.PatchTargetNotFound
				plan.Reason = fmt.Sprintf("RequireAllPatchesNeeded=1 and %s applies to no target", filepath.Base(pi.File))
				break
			}
		}
	}
	if plan.Code == exitcode.Success && len(plan.ToApply()) == 0 {
		plan.Reason = "nothing to do: no patch applies to a target here"
		if len(plan.Steps) > 0 && allAlreadyApplied(plan.Steps) {
			plan.Reason = "nothing to do: already applied"
		}
	}
	return plan, nil
}

func allAlreadyApplied(steps []Step) bool {
	for _, s := range steps {
		if !s.AlreadyApplied {
			return false
		}
	}
	return true
}

// patchApplies: the patch is applied by this run or was applied before.
func patchApplies(steps []Step, file string) bool {
	for _, s := range steps {
		if s.File == file && (s.Decision == Apply || s.AlreadyApplied) {
			return true
		}
	}
	return false
}

// orderPatches sorts by MsiPatchSequence (family, then sequence as a
// version) where present, then by file name.
func orderPatches(in []PatchInfo) []PatchInfo {
	out := append([]PatchInfo(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Family != b.Family {
			return a.Family < b.Family // patches without a family first
		}
		if c := compareVersions(a.Sequence, b.Sequence); a.Family != "" && c != 0 {
			return c < 0
		}
		return filepath.Base(a.File) < filepath.Base(b.File)
	})
	return out
}

// decide makes one step per (patch, target product) pair, or one skip or
// refuse step for a patch that is excluded as a whole or has no target here.
func decide(patches []PatchInfo, products []Product, out CheckOutcome) []Step {
	// Only patches that can apply here may obsolete or supersede others: a
	// patch for a product that is absent, or one that is refused, must not
	// knock out one that applies.
	var live []PatchInfo
	for _, pi := range patches {
		_, refused := out.PatchRefuse[pi.File]
		if pi.OpenError == "" && !refused && targetsAny(pi, products) {
			live = append(live, pi)
		}
	}
	obsoletedBy := map[string]string{}
	for _, pi := range live {
		for _, o := range pi.Obsoletes {
			obsoletedBy[strings.ToUpper(o)] = filepath.Base(pi.File)
		}
	}
	superseded := supersededPatches(live)
	var steps []Step
	for _, pi := range patches {
		if s, excluded := excludedWhole(pi, out, obsoletedBy, superseded); excluded {
			s.AlreadyApplied = appliedToAny(pi, products)
			steps = append(steps, s)
			continue
		}
		matched := false
		where, judged := out.Where[pi.File]
		for i := range products {
			pr := &products[i]
			if !containsFold(pi.Targets, pr.Code) {
				continue
			}
			matched = true
			s := Step{Patch: pi, File: pi.File, Product: pr.Code, Target: pr}
			switch {
			case containsFold(pr.Applied, pi.PatchCode):
				s.Decision, s.Reason, s.AlreadyApplied = Skip, "already applied to "+pr.Code, true
			case judged && !containsFold(where, pr.Code):
				s.Decision, s.Reason = Skip, "not needed on "+pr.Code+" (below MinProductVersion or without FeatureToCheck)"
			default:
				s.Decision, s.Reason = Apply, fmt.Sprintf("targets %s %s", pr.Code, pr.Version)
			}
			steps = append(steps, s)
		}
		if !matched {
			steps = append(steps, Step{Patch: pi, File: pi.File, Decision: Skip,
				Reason: fmt.Sprintf("none of its target products (%s) is present", strings.Join(pi.Targets, ", "))})
		}
	}
	return steps
}

// excludedWhole is the verdict on a patch as a whole, before any target:
// unreadable or refused by a check (refuse), or skipped by a check, by
// obsolescence or by supersedence.
func excludedWhole(pi PatchInfo, out CheckOutcome, obsoletedBy, superseded map[string]string) (Step, bool) {
	s := Step{Patch: pi, File: pi.File}
	if pi.OpenError != "" {
		s.Decision, s.Reason, s.Code = Refuse, pi.OpenError, pi.OpenCode
	} else if v, ok := out.PatchRefuse[pi.File]; ok {
		s.Decision, s.Reason, s.Code = Refuse, v.Reason, v.Code
	} else if r, ok := out.PatchSkip[pi.File]; ok {
		s.Decision, s.Reason = Skip, r
	} else if by, ok := obsoletedBy[strings.ToUpper(pi.PatchCode)]; ok {
		s.Decision, s.Reason = Skip, "obsoleted by "+by+" in the same set"
	} else if by, ok := superseded[pi.File]; ok {
		s.Decision, s.Reason = Skip, "superseded by "+by+" (same patch family, higher sequence)"
	} else {
		return s, false
	}
	return s, true
}

func appliedToAny(pi PatchInfo, products []Product) bool {
	for _, pr := range products {
		if pi.PatchCode != "" && containsFold(pi.Targets, pr.Code) && containsFold(pr.Applied, pi.PatchCode) {
			return true
		}
	}
	return false
}

func targetsAny(pi PatchInfo, products []Product) bool {
	for _, pr := range products {
		if containsFold(pi.Targets, pr.Code) {
			return true
		}
	}
	return false
}

// supersededPatches finds, within one patch family, the patches whose
// sequence is below that of a patch marked "supersede earlier"
// (MsiPatchSequence Attributes bit 1); without the mark, every patch of the
// family is applied, in sequence order.
func supersededPatches(patches []PatchInfo) map[string]string {
	best := map[string]PatchInfo{}
	for _, pi := range patches {
		if pi.Family == "" || pi.OpenError != "" || !pi.SupersedeEarlier {
			continue
		}
		if b, ok := best[pi.Family]; !ok || compareVersions(pi.Sequence, b.Sequence) > 0 {
			best[pi.Family] = pi
		}
	}
	out := map[string]string{}
	for _, pi := range patches {
		if b, ok := best[pi.Family]; ok && b.File != pi.File && compareVersions(pi.Sequence, b.Sequence) < 0 {
			out[pi.File] = filepath.Base(b.File)
		}
	}
	return out
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(s)) {
			return true
		}
	}
	return false
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
	release := func() {}
	if p.Lock != nil {
		r, err := p.Lock(ctx)
		if err != nil {
			res.finish(exitcode.Of(err), err.Error())
			return res
		}
		release = r
	}
	traceApply("enter")
	// The lock is released before the restart decision, which may wait
	// for a person to answer.
	unlock := sync.OnceFunc(func() { traceApply("leave"); release() })
	defer unlock()
	for _, s := range steps {
		p.progress("applying %s to %s ...", filepath.Base(s.File), s.Product)
		start := time.Now()
		sr := p.Backend.Apply(ctx, s, p.Logs)
		p.log().Info("applied", zap.String("patch", s.File), zap.String("product", s.Product),
			zap.Int("code", int(sr.Code)), zap.String("message", sr.Message), zap.Duration("took", time.Since(start)))
		res.addStep(s, sr)
		if !sr.Code.IsSuccess() {
			res.finish(sr.Code, fmt.Sprintf("%s: %s", filepath.Base(s.File), sr.Message))
			return res
		}
	}
	unlock()
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
