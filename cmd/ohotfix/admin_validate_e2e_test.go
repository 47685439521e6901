package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/msi/patch"
)

// secondPatchCode is the code of a second patch made from the same v1
// baseline as the fixture's fix.msp.
const secondPatchCode = "{5EC0D0A1-7A7C-4B1D-9E0F-0123456789AB}"

// adminTwoBaselineCase is adminCase with a second patch v1 → v2
// (again.msp, later in the Demo family than fix.msp), made by `ohotfix
// patch create` as fix.msp was. Once fix.msp has moved the image to v2
// (1.0.1), again.msp's transform, which validates ProductVersion == 1.0.0,
// applies no more.
func adminTwoBaselineCase(t *testing.T, ini string) (updates, image string) {
	t.Helper()
	f := demoProduct(t)
	updates, image = adminCase(t, ini)
	again := filepath.Join(updates, "again.msp")
	if r := runBinary(t, nil, "patch", "create", "--target", f.v1, "--upgraded", f.v2, "-o", again,
		"--patch-code", secondPatchCode, "--sequence", "Demo:1.0.2"); r.status != 0 {
		t.Fatalf("patch create: %d %s", r.status, r.stderr)
	}
	codes := map[string]bool{}
	for _, name := range []string{"fix.msp", "again.msp"} {
		p, err := patch.Open(filepath.Join(updates, name))
		if err != nil {
			t.Fatal(err)
		}
		infos, err := p.TransformInfos()
		p.Close()
		if err != nil || len(infos) != 1 || infos[0].Info.BaseVersion != "1.0.0" || infos[0].Info.NewVersion != "1.0.1" {
			t.Fatalf("%s: transforms %+v %v, want one 1.0.0 -> 1.0.1", name, infos, err)
		}
		codes[strings.ToUpper(p.PatchCode)] = true
	}
	if len(codes) != 2 {
		t.Fatalf("the two patches share their patch code %v: the second would be 'already applied'", codes)
	}
	return updates, image
}

type resultDoc struct {
	ExitCode int    `json:"exit_code"`
	Reason   string `json:"reason"`
	Patches  []struct {
		File      string `json:"file"`
		Decision  string `json:"decision"`
		Reason    string `json:"reason"`
		PerTarget []struct {
			Decision string `json:"decision"`
			Reason   string `json:"reason"`
			ExitCode *int   `json:"exit_code"`
		} `json:"per_target"`
	} `json:"patches"`
}

func readResultDoc(t *testing.T, path string) resultDoc {
	t.Helper()
	var doc resultDoc
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// The plan validates each patch's transforms against the image as the
// patches before it leave it: fix.msp applies, again.msp is a skip "not
// applicable" and the run succeeds. Before plan-time validation the engine
// refused again.msp with 1642 after applying fix.msp, and the run failed.
func TestAdminSecondPatchFromSameBaselineIsSkipped(t *testing.T) {
	f := demoProduct(t)
	updates, image := adminTwoBaselineCase(t, "")
	const notApplicable = "no transform of the patch applies to Contoso Demo"

	// check: the plan alone says it, and exits 0.
	r := runBinary(t, []string{"TMPDIR=" + t.TempDir()}, "check", updates)
	if r.status != 0 || !strings.Contains(r.stdout, notApplicable) || !strings.Contains(r.stdout, "as fix.msp leaves it in this run") {
		t.Fatalf("check: %d\n%s%s", r.status, r.stdout, r.stderr)
	}

	resultPath := filepath.Join(updates, "r.json")
	r = runIn(t, updates, nil, "/result-json:"+resultPath)
	if r.status != 0 {
		t.Fatalf("run: %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	for _, name := range []string{"application.txt", "engine.dat"} {
		got, _ := os.ReadFile(filepath.Join(image, "Contoso Demo", name))
		want, _ := os.ReadFile(filepath.Join(f.dir, "v2", name))
		if string(got) != string(want) {
			t.Errorf("%s differs from v2 after the run", name)
		}
	}
	doc := readResultDoc(t, resultPath)
	got := map[string]string{}
	for _, p := range doc.Patches {
		if len(p.PerTarget) != 1 {
			t.Fatalf("%s: per_target %+v", p.File, p.PerTarget)
		}
		pt := p.PerTarget[0]
		got[filepath.Base(p.File)] = p.Decision + "/" + pt.Decision
		switch filepath.Base(p.File) {
		case "fix.msp":
			if pt.ExitCode == nil || *pt.ExitCode != 0 {
				t.Errorf("fix.msp applied with %v", pt.ExitCode)
			}
		case "again.msp":
			if pt.ExitCode != nil || !strings.Contains(pt.Reason, notApplicable+" ") ||
				!strings.Contains(pt.Reason, "product version 1.0.1 is not == the transform's base version 1.0.0") {
				t.Errorf("again.msp: %+v", pt)
			}
		}
	}
	if got["fix.msp"] != "apply/apply" || got["again.msp"] != "skip/skip" || doc.ExitCode != 0 {
		t.Errorf("result: exit %d, decisions %v", doc.ExitCode, got)
	}

	// The engine agrees: applied on its own to the patched image, again.msp
	// is refused with 1642 (its apply-time validation, the safety net).
	if r := runBinary(t, nil, "admin", "patch", filepath.Join(image, "v1.msi"), filepath.Join(updates, "again.msp")); r.status != 1642&0xff {
		t.Errorf("admin patch again.msp on the patched image: status %d, want 1642's %d\n%s%s", r.status, 1642&0xff, r.stdout, r.stderr)
	}
}

// RequireAllPatchesNeeded=1: the patch that applies nowhere fails the run
// with 1642 before anything changes.
func TestAdminSecondPatchRequireAllFailsBeforeAnything(t *testing.T) {
	updates, image := adminTwoBaselineCase(t, "RequireAllPatchesNeeded=1\n")
	before := treeHash(t, image)
	r := runIn(t, updates, nil)
	if r.status != 1642&0xff || !strings.Contains(r.stdout+r.stderr, "again.msp") {
		t.Errorf("run: status %d, want 1642's %d\n%s%s", r.status, 1642&0xff, r.stdout, r.stderr)
	}
	if treeHash(t, image) != before {
		t.Error("the refused run changed the image")
	}
}
