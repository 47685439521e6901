package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// After P.msp has moved the installed product from 1.0.0 to 1.0.1, a second
// patch Q made from the same 1.0.0 baseline validates no more (its
// transform wants ProductVersion == 1.0.0): ohotfix plans it as a skip, not
// applicable, and a run exits 0 without calling msi.dll.
//
// Wine's msi.dll is no oracle here: `msiexec /p Q.msp` on the same product
// returns 0 under Wine 8.0 (measured; it validates a new patch against the
// cached package before the applied patches are laid over it, and reads
// the validation flags from CharCount's low word, see
// transform.SplitCharCount). The test records what Wine does without
// asserting it; what Windows returns is to be checked on Windows.
func TestClientSecondPatchFromSameBaselineUnderWine(t *testing.T) {
	r := newClientRig(t, "")
	if out, code, _ := r.run(t, "", "/q"); code != 0 && code != 3010 {
		t.Fatalf("ohotfix.exe /q (P.msp): exit %d\n%s", code, out)
	}
	v2 := r.sourceTree("v2")
	if !sameTree(r.installed(t), v2) || len(r.appliedPatches(t)) != 1 {
		t.Fatalf("P.msp did not move the product to v2: patches %v", r.appliedPatches(t))
	}
	q := filepath.Join(r.updates, "Q.msp")
	if res := runBinary(t, nil, "patch", "create", "--target", r.fx.v1, "--upgraded", r.fx.v2, "-o", q,
		"--patch-code", secondPatchCode, "--sequence", "Demo:1.0.2"); res.status != 0 {
		t.Fatalf("patch create Q: %d %s", res.status, res.stderr)
	}

	out, code, _ := r.run(t, "", "check")
	if code != 0 {
		t.Fatalf("check: exit %d\n%s", code, out)
	}
	var qLine string
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "Q.msp") && strings.Contains(l, "skip") {
			qLine = l
		}
	}
	if !strings.Contains(qLine, "no transform of the patch applies to") || !strings.Contains(qLine, "product version 1.0.1 is not == the transform's base version 1.0.0") {
		t.Errorf("check does not plan Q.msp as a skip, not applicable:\n%s", out)
	}

	// The run follows the plan: exit 0, and msi.dll is not asked.
	out, code, _ = r.run(t, "", "/q")
	if code != 0 {
		t.Fatalf("ohotfix.exe /q with Q.msp: exit %d\n%s", code, out)
	}
	mainLog, msiLog := r.latestLogPair(t)
	mainText, _ := os.ReadFile(mainLog)
	msiText, _ := os.ReadFile(msiLog)
	if strings.Contains(decodeLogText(msiText), "MsiApplyMultiplePatchesW") || strings.Contains(string(mainText), "applying ") {
		t.Errorf("the run called msi.dll for a patch the plan skipped:\n%s\n%s", tail(string(mainText), 2000), tail(decodeLogText(msiText), 1500))
	}
	if got := r.appliedPatches(t); len(got) != 1 || !sameTree(r.installed(t), v2) {
		t.Errorf("after the run: patches %v", got)
	}

	// What Wine's msi.dll does on its own (recorded, see above).
	mcode, _, err := r.p.Msiexec("/p", r.p.WinPath(q))
	t.Logf("Wine: msiexec /p Q.msp on the patched product: exit %d (%v), applied patches now %v", mcode, err, r.appliedPatches(t))
}
