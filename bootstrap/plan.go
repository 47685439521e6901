package bootstrap

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
)

// Plan runs Detect and the checks and decides each (patch, target) pair.
// It changes nothing; `ohotfix check` stops here.
func (p *Pipeline) Plan(ctx context.Context) (*Plan, error) {
	inv, patches, err := p.Detect(ctx)
	if err != nil {
		return &Plan{Inventory: inv, Patches: patches, Code: exitcode.Of(err), Reason: err.Error()}, err
	}
	plan := &Plan{Inventory: inv, Patches: orderPatches(patches)}
	// The checks and the per-target verdicts judge the same facts: built
	// (and the set's drops marked) once.
	facts := plannedFacts(p.Config, inv, plan.Patches)
	var out CheckOutcome
	if p.Checks != nil {
		out = p.Checks(p.Config, facts, plan.Patches)
	}
	plan.Checks = out.Verdicts
	for _, v := range out.Verdicts {
		p.log().Info("check", zap.String("name", v.Name), zap.String("status", v.Status), zap.String("reason", v.Reason))
	}
	plan.Steps = decide(plan.Patches, inv.Targets, out, TargetVerdicts(p.Config, facts, plan.Patches))
	for _, s := range plan.Steps {
		p.log().Info("plan", zap.String("patch", s.File), zap.String("product", s.Product),
			zap.String("decision", string(s.Decision)), zap.String("reason", s.Reason))
	}
	switch {
	case out.Code != exitcode.Success:
		plan.Code, plan.Reason = out.Code, out.Reason
	default:
		for _, s := range plan.Steps {
			if s.Decision == installer.Refuse {
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

func allAlreadyApplied(steps []installer.Step) bool {
	for _, s := range steps {
		if !s.AlreadyApplied {
			return false
		}
	}
	return true
}

// patchApplies: the patch is applied by this run or was applied before.
func patchApplies(steps []installer.Step, file string) bool {
	for _, s := range steps {
		if s.File == file && (s.Decision == installer.Apply || s.AlreadyApplied) {
			return true
		}
	}
	return false
}

// orderPatches sorts by MsiPatchSequence (family, then sequence as a
// version) where present, then by file name.
func orderPatches(in []installer.PatchInfo) []installer.PatchInfo {
	out := append([]installer.PatchInfo(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Family != b.Family {
			return a.Family < b.Family // patches without a family first
		}
		if c := checks.CompareVersions(a.Sequence, b.Sequence); a.Family != "" && c != 0 {
			return c < 0
		}
		return filepath.Base(a.File) < filepath.Base(b.File)
	})
	return out
}

// decide makes one step per (patch, target product) pair, or one skip or
// refuse step for a patch that is excluded as a whole or has no target here.
// Where a patch applies is the checks' verdict (where); decide adds what
// concerns a patch as a whole: unreadable, refused or skipped by a check.
// Obsolescence and supersedence are in the verdicts (markDropped).
func decide(patches []installer.PatchInfo, products []installer.Target, out CheckOutcome, where map[string][]checks.TargetVerdict) []installer.Step {
	var steps []installer.Step
	for _, pi := range patches {
		if s, excluded := excludedWhole(pi, out); excluded {
			for _, v := range where[pi.File] {
				s.AlreadyApplied = s.AlreadyApplied || v.AlreadyApplied
			}
			steps = append(steps, s)
			continue
		}
		for _, v := range where[pi.File] {
			s := installer.Step{Patch: pi, File: pi.File, Product: v.Product.Code, Target: targetByCode(products, v.Product.Code),
				Decision: installer.Skip, Reason: v.Reason, AlreadyApplied: v.AlreadyApplied}
			if v.Needed {
				s.Decision = installer.Apply
			}
			steps = append(steps, s)
		}
		if len(where[pi.File]) == 0 {
			steps = append(steps, installer.Step{Patch: pi, File: pi.File, Decision: installer.Skip,
				Reason: fmt.Sprintf("none of its target products (%s) is present", strings.Join(pi.Targets, ", "))})
		}
	}
	return steps
}

func targetByCode(ts []installer.Target, code string) *installer.Target {
	for i := range ts {
		if strings.EqualFold(ts[i].Code, code) {
			return &ts[i]
		}
	}
	return nil
}

// excludedWhole is the verdict on a patch as a whole, before any target:
// unreadable or refused by a check (refuse), or skipped by a check (needed
// nowhere, for whatever reason its verdicts give).
func excludedWhole(pi installer.PatchInfo, out CheckOutcome) (installer.Step, bool) {
	s := installer.Step{Patch: pi, File: pi.File}
	if pi.OpenError != "" {
		s.Decision, s.Reason, s.Code = installer.Refuse, pi.OpenError, pi.OpenCode
	} else if v, ok := out.PatchRefuse[pi.File]; ok {
		s.Decision, s.Reason, s.Code = installer.Refuse, v.Reason, v.Code
	} else if r, ok := out.PatchSkip[pi.File]; ok {
		s.Decision, s.Reason = installer.Skip, r
	} else {
		return s, false
	}
	return s, true
}

// supersededPatches finds, within one patch family, the patches whose
// sequence is below that of a patch marked "supersede earlier"
// (MsiPatchSequence Attributes bit 1); without the mark, every patch of the
// family is applied, in sequence order.
func supersededPatches(patches []installer.PatchInfo) map[string]string {
	best := map[string]installer.PatchInfo{}
	for _, pi := range patches {
		if pi.Family == "" || pi.OpenError != "" || !pi.SupersedeEarlier {
			continue
		}
		if b, ok := best[pi.Family]; !ok || checks.CompareVersions(pi.Sequence, b.Sequence) > 0 {
			best[pi.Family] = pi
		}
	}
	out := map[string]string{}
	for _, pi := range patches {
		if b, ok := best[pi.Family]; ok && b.File != pi.File && checks.CompareVersions(pi.Sequence, b.Sequence) < 0 {
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
