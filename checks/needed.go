package checks

import (
	"fmt"
	"strings"

	"github.com/ohotfix/ohotfix/exitcode"
)

// PatchesNeeded decides, per patch, where it is needed: on a targeted product
// it is not yet applied to, that meets MinProductVersion and has one of the
// FeatureToCheck features. Patches needed nowhere are skipped; with
// RequireAll (ohotfix.ini RequireAllPatchesNeeded=1) any such patch fails the
// run with 1642 before anything changes.
type PatchesNeeded struct {
	RequireAll        bool
	MinProductVersion string
	FeatureToCheck    string
}

func (PatchesNeeded) Name() string { return "RequireAllPatchesNeeded" }

func (c PatchesNeeded) Run(f *Facts) Result {
	name := c.Name()
	if len(f.Patches) == 0 {
		if c.RequireAll {
			return failed(name, exitcode.PatchTargetNotFound, "RequireAllPatchesNeeded=1 but the update folder holds no patch")
		}
		return skipped(name, "no patches")
	}
	verdicts := c.Verdicts(f)
	var skip []PatchVerdict
	for _, p := range f.Patches {
		if where, why := c.need(f, verdicts[p.Name]); len(where) == 0 {
			skip = append(skip, PatchVerdict{Patch: p.Name, Status: Skipped, Reason: why})
		}
	}
	n := len(f.Patches) - len(skip)
	var r Result
	switch {
	case len(skip) == 0:
		return passed(name, fmt.Sprintf("all %d patches are needed", n))
	case c.RequireAll:
		r = failed(name, exitcode.PatchTargetNotFound,
			fmt.Sprintf("RequireAllPatchesNeeded=1 but %d of %d patches apply nowhere: %s", len(skip), len(f.Patches), verdictList(skip)))
		for i := range skip {
			skip[i].Status, skip[i].Code = Failed, exitcode.PatchTargetNotFound
		}
	case n == 0:
		r = passed(name, "no patch is needed on this machine (nothing to do): "+verdictList(skip))
	default:
		r = passed(name, fmt.Sprintf("%d of %d patches needed; not needed: %s", n, len(f.Patches), verdictList(skip)))
	}
	r.Patches = skip
	return r
}

// Where lists the product codes on which p, one of f.Patches, is needed
// (after the patches before it in f.Patches): the pipeline applies p to
// exactly these.
func (c PatchesNeeded) Where(f *Facts, p Patch) []string {
	where, _ := c.need(f, c.Verdicts(f)[p.Name])
	return where
}

// TargetVerdict is the rule's verdict for one patch on one product it
// targets: needed (apply it), or not, with the reason.
type TargetVerdict struct {
	Product        Product `json:"product"`
	Needed         bool    `json:"needed"`
	AlreadyApplied bool    `json:"already_applied,omitempty"`
	Reason         string  `json:"reason"`
}

// Verdicts judges every patch of f on each targeted product it lists (in
// the patch's order), keyed by patch name. This is the one place that
// decides where a patch applies; the planner turns the verdicts into steps.
// The targets and their version verdicts are computed once for all patches.
//
// Patches are judged in f.Patches order, which the planner makes the order
// it applies them in (MsiPatchSequence): once a patch is needed on a
// target, the patches after it are validated against the target as that
// patch's transform leaves it, as Windows Installer and our admin engine do
// when they apply several patches in turn. A patch the set drops on a
// target (Patch.DroppedOn) is not needed there and moves nothing; a patch
// a check refuses still does, but the run then fails with that refusal.
func (c PatchesNeeded) Verdicts(f *Facts) map[string][]TargetVerdict {
	nt := c.targets(f)
	out := make(map[string][]TargetVerdict, len(f.Patches))
	for _, p := range f.Patches {
		out[p.Name] = c.judge(f, nt, p)
	}
	return out
}

// neededTargets are the targeted products with their MinProductVersion
// verdict, computed once per run rather than once per patch, and their
// validation baselines, which the patches judged needed move.
type neededTargets struct {
	idx  targetIndex
	low  map[string]string // product code → why it is below the minimum
	base baselines
}

func (c PatchesNeeded) targets(f *Facts) neededTargets {
	all := f.targets()
	nt := neededTargets{idx: indexTargets(all), low: map[string]string{}, base: newBaselines(all)}
	// A malformed minimum is MinProductVersion's failure to report; here
	// it just does not filter.
	if min, err := ParseVersion(c.MinProductVersion); err == nil {
		for _, t := range all {
			if why := belowMin(t, min, c.MinProductVersion); why != "" {
				nt.low[normCode(t.Code)] = why
			}
		}
	}
	return nt
}

// need sums up one patch's verdicts: where it is needed, or why nowhere.
func (c PatchesNeeded) need(f *Facts, vs []TargetVerdict) (where []string, why string) {
	if len(vs) == 0 {
		if f.Mode == Admin && f.Image != nil {
			return nil, "does not target the image's product " + f.Image.Product.label()
		}
		return nil, "targets none of the installed products"
	}
	var reasons []string
	for _, v := range vs {
		if v.Needed {
			where = append(where, v.Product.Code)
		} else {
			reasons = append(reasons, v.Reason)
		}
	}
	return where, strings.Join(reasons, "; ")
}

func (c PatchesNeeded) judge(f *Facts, nt neededTargets, p Patch) []TargetVerdict {
	features := FeatureNames(c.FeatureToCheck)
	var out []TargetVerdict
	for _, t := range nt.idx.targetsOf(p) {
		v := TargetVerdict{Product: t}
		switch {
		case containsCode(p.AppliedTo, t.Code):
			v.AlreadyApplied, v.Reason = true, "already applied to "+t.label()
		case p.DroppedOn[normCode(t.Code)] != "":
			v.Reason = p.DroppedOn[normCode(t.Code)]
		case nt.low[normCode(t.Code)] != "":
			v.Reason = nt.low[normCode(t.Code)]
		case len(features) > 0 && !anyFeature(f, []Product{t}, features):
			v.Reason = fmt.Sprintf("feature %s is not present in %s", strings.Join(features, " or "), t.label())
		default:
			// Validation comes last: a transform that validates moves the
			// target's baseline, so it must be the verdict "needed".
			if why := nt.base.judge(p, t); why != "" {
				v.Reason = why
			} else {
				v.Needed, v.Reason = true, fmt.Sprintf("targets %s %s", t.Code, t.Version)
			}
		}
		out = append(out, v)
	}
	return out
}
