package bootstrap

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/internal/resultschema"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// demoUpgradeCode is the upgrade code of the product the validation tests patch.
const demoUpgradeCode = "{DDDDDDDD-0000-0000-0000-000000000001}"

// fromV1To is a patch's one transform from product A 1.0.0 to newVer, with
// the validation `ohotfix patch create` writes (== the base version).
func fromV1To(newVer string) []checks.TransformInfo {
	return []checks.TransformInfo{{Name: "T", Info: transform.Info{BaseProductCode: prodA, BaseVersion: "1.0.0",
		NewProductCode: prodA, NewVersion: newVer, UpgradeCode: demoUpgradeCode,
		Validate: transform.ValProduct | transform.ValUpgradeCode | transform.ValUpdateVersion | transform.ValNewEqualBase}}}
}

// demoAtV1 is product A installed at 1.0.0, with its validation baseline.
func demoAtV1() installer.Target {
	return installer.Target{Code: prodA, Name: "Contoso Demo", Version: "1.0.0",
		Baseline: &transform.Facts{ProductCode: prodA, ProductVersion: "1.0.0", UpgradeCode: demoUpgradeCode}}
}

// Two patches of one family made from the same 1.0.0 baseline: the one
// applied first (lower sequence, although its file name sorts last) moves
// the product to 2.0.0, so the other's transform no longer validates. The
// plan says so; nothing reaches the engine only to fail with 1642.
func TestPlanSkipsPatchWhoseTransformsDoNotValidate(t *testing.T) {
	tr := fromV1To
	dir := setupPatches(t, "first.msp", "again.msp")
	infos := map[string]installer.PatchInfo{
		"first.msp": {PatchCode: "{P1}", Targets: []string{prodA}, Family: "Demo", Sequence: "2.0.0", Transforms: tr("2.0.0")},
		"again.msp": {PatchCode: "{P2}", Targets: []string{prodA}, Family: "Demo", Sequence: "2.0.1", Transforms: tr("2.0.1")},
	}
	product := demoAtV1()
	be := &scriptedBackend{products: []installer.Target{product}}
	p := &Pipeline{Config: Default(), Dir: dir, Backend: be, ReadPatch: patchTable(infos), UI: UIQuiet}

	plan, err := p.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	steps := map[string]installer.Step{}
	for _, s := range plan.Steps {
		steps[filepath.Base(s.File)] = s
	}
	if s := steps["first.msp"]; s.Decision != installer.Apply {
		t.Errorf("first.msp: %s %s", s.Decision, s.Reason)
	}
	wantWhy := "no transform of the patch applies to Contoso Demo " + prodA + " 2.0.0 (as first.msp leaves it in this run): T: product version 2.0.0 is not == the transform's base version 1.0.0"
	if s := steps["again.msp"]; s.Decision != installer.Skip || !strings.HasPrefix(s.Reason, wantWhy) || s.AlreadyApplied {
		t.Errorf("again.msp: %s %q, want skip %q", s.Decision, s.Reason, wantWhy)
	}
	if plan.Code != exitcode.Success {
		t.Errorf("plan code %v (%s)", plan.Code, plan.Reason)
	}

	res := p.Run(context.Background())
	if res.Code() != exitcode.Success || strings.Join(be.applied, ",") != "first.msp" {
		t.Fatalf("run: %v (%s), applied %v", res.Code(), res.Reason, be.applied)
	}
	for _, pr := range res.Patches {
		if filepath.Base(pr.File) == "again.msp" && (pr.Decision != installer.Skip || len(pr.PerTarget) != 1 || !strings.HasPrefix(pr.PerTarget[0].Reason, wantWhy)) {
			t.Errorf("result for again.msp: %+v", pr)
		}
	}
	path := filepath.Join(t.TempDir(), "r.json")
	if err := res.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	if err := resultschema.ValidateFile(path); err != nil {
		t.Error(err)
	}

	// RequireAllPatchesNeeded=1: a patch that applies nowhere fails the run
	// with 1642 before anything is applied.
	be.applied = nil
	p.Config.RequireAllPatchesNeeded = true
	res = p.Run(context.Background())
	if res.Code() != exitcode.PatchTargetNotFound || len(be.applied) != 0 || !strings.Contains(res.Reason, "again.msp") {
		t.Errorf("RequireAllPatchesNeeded=1: %v (%s), applied %v", res.Code(), res.Reason, be.applied)
	}
}

// A patch the set drops (obsoleted here) is never applied, so it must not
// move the product's version for the patches judged after it: a cumulative
// patch that obsoletes an earlier hotfix for the same baseline applies, and
// the hotfix is skipped as obsoleted — not both skipped.
func TestPlanDroppedPatchDoesNotMoveTheBaseline(t *testing.T) {
	tr := fromV1To
	// "a-hotfix" sorts (and is judged) before "b-cumulative".
	dir := setupPatches(t, "a-hotfix.msp", "b-cumulative.msp")
	infos := map[string]installer.PatchInfo{
		"a-hotfix.msp":     {PatchCode: "{P1}", Targets: []string{prodA}, Transforms: tr("1.0.1")},
		"b-cumulative.msp": {PatchCode: "{P2}", Obsoletes: []string{"{P1}"}, Targets: []string{prodA}, Transforms: tr("2.0.0")},
	}
	product := demoAtV1()
	be := &scriptedBackend{products: []installer.Target{product}}
	p := &Pipeline{Config: Default(), Dir: dir, Backend: be, ReadPatch: patchTable(infos), UI: UIQuiet}
	res := p.Run(context.Background())
	if res.Code() != exitcode.Success || strings.Join(be.applied, ",") != "b-cumulative.msp" {
		t.Fatalf("run: %v (%s), applied %v (want the cumulative patch)", res.Code(), res.Reason, be.applied)
	}
	for _, pr := range res.Patches {
		if filepath.Base(pr.File) == "a-hotfix.msp" && (pr.Decision != installer.Skip || !strings.Contains(pr.Reason+fmt.Sprint(pr.PerTarget), "obsoleted by b-cumulative.msp")) {
			t.Errorf("a-hotfix.msp: %+v", pr)
		}
	}
}

// Only a patch that applies can drop another: a cumulative patch made for a
// version the product is not at obsoletes nothing, so the hotfix it names
// still applies (Windows Installer ignores an inapplicable patch's
// obsoletion).
func TestPlanInapplicablePatchDropsNothing(t *testing.T) {
	dir := setupPatches(t, "hotfix.msp", "cumulative.msp")
	later := fromV1To("1.6.0")
	later[0].Info.BaseVersion = "1.5.0"
	infos := map[string]installer.PatchInfo{
		"hotfix.msp":     {PatchCode: "{P1}", Targets: []string{prodA}, Transforms: fromV1To("1.0.1")},
		"cumulative.msp": {PatchCode: "{P2}", Obsoletes: []string{"{P1}"}, Targets: []string{prodA}, Transforms: later},
	}
	be := &scriptedBackend{products: []installer.Target{demoAtV1()}}
	p := &Pipeline{Config: Default(), Dir: dir, Backend: be, ReadPatch: patchTable(infos), UI: UIQuiet}
	res := p.Run(context.Background())
	if res.Code() != exitcode.Success || strings.Join(be.applied, ",") != "hotfix.msp" {
		t.Fatalf("run: %v (%s), applied %v (want the hotfix)", res.Code(), res.Reason, be.applied)
	}
}

// Obsolescence is per product: a cumulative patch for product A drops a
// hotfix for A and B on A only; B still gets the hotfix.
func TestPlanObsolescenceIsPerProduct(t *testing.T) {
	const prodB = "{BBBBBBBB-0000-0000-0000-000000000002}"
	dir := setupPatches(t, "a-hotfix.msp", "b-cumulative.msp")
	infos := map[string]installer.PatchInfo{
		"a-hotfix.msp":     {PatchCode: "{P1}", Targets: []string{prodA, prodB}},
		"b-cumulative.msp": {PatchCode: "{P2}", Obsoletes: []string{"{P1}"}, Targets: []string{prodA}},
	}
	be := &scriptedBackend{products: []installer.Target{{Code: prodA, Version: "1.0.0"}, {Code: prodB, Version: "1.0.0"}}}
	p := &Pipeline{Config: Default(), Dir: dir, Backend: be, ReadPatch: patchTable(infos), UI: UIQuiet}
	plan, err := p.Plan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range plan.Steps {
		got[filepath.Base(s.File)+" on "+s.Product] = string(s.Decision) + ": " + s.Reason
	}
	for step, want := range map[string]string{
		"a-hotfix.msp on " + prodA:     "skip: obsoleted by b-cumulative.msp",
		"a-hotfix.msp on " + prodB:     "apply",
		"b-cumulative.msp on " + prodA: "apply",
	} {
		if !strings.HasPrefix(got[step], want) {
			t.Errorf("%s: %q, want %q (all steps: %v)", step, got[step], want, got)
		}
	}
}
