package checks

import (
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi/transform"
)

const (
	demoCode    = "{C0C0C0C0-1111-2222-3333-444444444444}"
	demoUpgrade = "{DDDDDDDD-1111-2222-3333-444444444444}"
	otherUpcode = "{EEEEEEEE-1111-2222-3333-444444444444}"
)

// demo is the installed product at version ver, with the baseline its
// transforms are validated against (nil: unknown).
func demo(ver string, known bool) Product {
	p := Product{Code: demoCode, Name: "Contoso Demo", Version: ver}
	if known {
		p.Baseline = &transform.Facts{ProductCode: demoCode, ProductVersion: ver, UpgradeCode: demoUpgrade, Language: "1033", Platform: "Intel"}
	}
	return p
}

// small is a small-update transform of the demo product from base to
// newVer, validating the product code, the upgrade code and the version by
// rel (as `ohotfix patch create` writes them, with ValNewEqualBase).
func small(name, base, newVer string, rel transform.ValidateFlags) TransformInfo {
	return TransformInfo{Name: name, Info: transform.Info{
		BaseProductCode: demoCode, BaseVersion: base, NewProductCode: demoCode, NewVersion: newVer,
		UpgradeCode: demoUpgrade, BasePlatform: "Intel", BaseLanguage: "1033", NewPlatform: "Intel", NewLanguage: "1033",
		Validate: transform.ValProduct | transform.ValUpgradeCode | transform.ValUpdateVersion | rel,
	}}
}

func demoPatch(name string, ts ...TransformInfo) Patch {
	p := patch(name, 4, demoCode)
	p.Code = "{AAAAAAAA-0000-0000-0000-" + strings.ToUpper(strings.Repeat(name[:1], 12)) + "}"
	p.Transforms = ts
	return p
}

// verdict returns the one verdict of the named patch on the demo product.
func verdict(t *testing.T, vs map[string][]TargetVerdict, name string) TargetVerdict {
	t.Helper()
	if len(vs[name]) != 1 {
		t.Fatalf("%s: verdicts %+v, want one on the demo product", name, vs[name])
	}
	return vs[name][0]
}

func TestNeededValidatesTransforms(t *testing.T) {
	eq := transform.ValNewEqualBase
	otherProduct := small("T", "1.0.0", "1.0.1", eq)
	otherProduct.Info.BaseProductCode = pro11
	otherUpgrade := small("T", "1.0.0", "1.0.1", eq)
	otherUpgrade.Info.UpgradeCode = otherUpcode
	for _, tc := range []struct {
		name    string
		product Product
		ts      []TransformInfo
		needed  bool
		reason  []string
	}{
		{"version equal", demo("1.0.0", true), []TransformInfo{small("T", "1.0.0", "1.0.1", eq)}, true, []string{"targets " + demoCode}},
		{"version differs", demo("2.0.0", true), []TransformInfo{small("T1", "1.0.0", "1.0.1", eq)}, false,
			[]string{"no transform of the patch applies to Contoso Demo " + demoCode + " 2.0.0: T1: product version 2.0.0 is not == the transform's base version 1.0.0"}},
		{"version greater or equal", demo("2.0.0", true), []TransformInfo{small("T", "1.0.0", "2.0.1", transform.ValNewGreaterEqualBase)}, true, nil},
		{"product code differs", demo("1.0.0", true), []TransformInfo{otherProduct}, false, []string{"T: product code " + demoCode + " is not the transform's base product " + pro11}},
		{"upgrade code differs", demo("1.0.0", true), []TransformInfo{otherUpgrade}, false, []string{"T: upgrade code " + demoUpgrade + " is not the transform's " + otherUpcode}},
		{"second baseline validates", demo("1.1.0", true),
			[]TransformInfo{small("T1", "1.0.0", "1.0.1", eq), small("T2", "1.1.0", "1.1.1", eq)}, true, nil},
		{"no baseline transform validates", demo("1.2.0", true),
			[]TransformInfo{small("T1", "1.0.0", "1.0.1", eq), small("T2", "1.1.0", "1.1.1", eq)}, false,
			[]string{"T1: product version 1.2.0 is not == the transform's base version 1.0.0", "; T2: product version 1.2.0 is not == the transform's base version 1.1.0"}},
		// Unknown baseline (a cached package that cannot be read) or a
		// patch whose transforms were not read: judged as before, the
		// engine decides when applying.
		{"baseline unknown", demo("2.0.0", false), []TransformInfo{small("T", "1.0.0", "1.0.1", eq)}, true, nil},
		{"transforms unknown", demo("2.0.0", true), nil, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := clientFacts("5.0", []Product{tc.product}, demoPatch("p.msp", tc.ts...))
			v := verdict(t, PatchesNeeded{}.Verdicts(f), "p.msp")
			if v.Needed != tc.needed {
				t.Fatalf("needed = %v, want %v (%s)", v.Needed, tc.needed, v.Reason)
			}
			for _, s := range tc.reason {
				if !strings.Contains(v.Reason, s) {
					t.Errorf("reason %q lacks %q", v.Reason, s)
				}
			}
			// The admin image's product is judged by the same rule.
			av := verdict(t, PatchesNeeded{}.Verdicts(adminFacts(5, tc.product, demoPatch("p.msp", tc.ts...))), "p.msp")
			if av.Needed != tc.needed || av.Reason != v.Reason {
				t.Errorf("admin verdict %+v, client %+v", av, v)
			}
		})
	}
}

// Several patches in one run: each is validated against the product as the
// patches before it (in plan order) leave it.
func TestNeededSimulatesEarlierPatches(t *testing.T) {
	eq, ge := transform.ValNewEqualBase, transform.ValNewGreaterEqualBase
	a := demoPatch("a.msp", small("TA", "1.0.0", "2.0.0", eq))
	bEq := demoPatch("b.msp", small("TB", "1.0.0", "1.0.1", eq))
	bGe := demoPatch("b.msp", small("TB", "1.0.0", "2.0.1", ge))

	vs := PatchesNeeded{}.Verdicts(clientFacts("5.0", []Product{demo("1.0.0", true)}, a, bEq))
	if v := verdict(t, vs, "a.msp"); !v.Needed {
		t.Errorf("a.msp not needed: %s", v.Reason)
	}
	v := verdict(t, vs, "b.msp")
	if want := "no transform of the patch applies to Contoso Demo " + demoCode + " 2.0.0 (as a.msp leaves it in this run): TB: product version 2.0.0 is not == the transform's base version 1.0.0"; v.Needed || !strings.HasPrefix(v.Reason, want) {
		t.Errorf("b.msp after a.msp: needed=%v %q, want not needed: %q", v.Needed, v.Reason, want)
	}
	// The order is the plan's: b first validates against 1.0.0, and a
	// then finds 1.0.1.
	vs = PatchesNeeded{}.Verdicts(clientFacts("5.0", []Product{demo("1.0.0", true)}, bEq, a))
	if vb, va := verdict(t, vs, "b.msp"), verdict(t, vs, "a.msp"); !vb.Needed || va.Needed || !strings.Contains(va.Reason, "1.0.1 (as b.msp leaves it") {
		t.Errorf("b then a: b %+v, a %+v", vb, va)
	}
	vs = PatchesNeeded{}.Verdicts(clientFacts("5.0", []Product{demo("1.0.0", true)}, a, bGe))
	if v := verdict(t, vs, "b.msp"); !v.Needed {
		t.Errorf("b.msp (>= 1.0.0) after a.msp not needed: %s", v.Reason)
	}

	// The transform that validates is the one whose result counts: m's T2
	// (2.0.0 -> 2.1.0) validates after a, so n (== 2.1.0) validates next.
	m := demoPatch("m.msp", small("T1", "1.0.0", "1.5.0", eq), small("T2", "2.0.0", "2.1.0", eq))
	n := demoPatch("n.msp", small("TN", "2.1.0", "2.1.1", eq))
	vs = PatchesNeeded{}.Verdicts(clientFacts("5.0", []Product{demo("1.0.0", true)}, a, m, n))
	for _, name := range []string{"a.msp", "m.msp", "n.msp"} {
		if v := verdict(t, vs, name); !v.Needed {
			t.Errorf("%s not needed: %s", name, v.Reason)
		}
	}

	// A patch already applied is in the baseline already: it moves nothing,
	// and the reason does not blame this run.
	applied := a
	applied.AppliedTo = []string{demoCode}
	vs = PatchesNeeded{}.Verdicts(clientFacts("5.0", []Product{demo("2.0.0", true)}, applied, bEq))
	if va, vb := verdict(t, vs, "a.msp"), verdict(t, vs, "b.msp"); !va.AlreadyApplied || vb.Needed || strings.Contains(vb.Reason, "this run") {
		t.Errorf("a applied before: a %+v, b %+v", va, vb)
	}

	// Run judges the same way: b applies nowhere, a skip; with
	// RequireAllPatchesNeeded=1 a failure 1642 naming it.
	f := clientFacts("5.0", []Product{demo("1.0.0", true)}, a, bEq)
	want{status: Passed, reason: []string{"1 of 2", "b.msp", "as a.msp leaves it"}, patches: map[string]Status{"b.msp": Skipped}}.check(t, PatchesNeeded{}.Run(f))
	want{status: Failed, code: exitcode.PatchTargetNotFound, reason: []string{"RequireAllPatchesNeeded=1", "b.msp", "no transform of the patch applies"},
		patches: map[string]Status{"b.msp": Failed}}.check(t, PatchesNeeded{RequireAll: true}.Run(f))
	if got := (PatchesNeeded{}).Where(f, bEq); len(got) != 0 {
		t.Errorf("Where(b.msp) = %v after a.msp, want nowhere", got)
	}
}
