package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testcorpus"
	"github.com/ohotfix/ohotfix/internal/transformtest"
)

// runArgs runs the app in process: stdout, stderr, status.
func runArgs(args ...string) (string, string, int) {
	var out, errb bytes.Buffer
	st := run(append([]string{"ohotfix"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), st
}

func TestPatchInspectRealPatches(t *testing.T) {
	cases := []struct {
		file string
		want []string
	}{
		{"msi/lessmsi/SQL2008_AS.msp", []string{"{2DFFC5F8-9B0F-4510-92AE-FA3D38B8A47D}", "targets         {4508D19D-07FE-4722-88C7-27152965756B}", "min installer   3", "family SQLREMOVE sequence 1", "Transform #Target01ToUpgrade01", "PatchPackage             +1 ~0 -0 new table", "DiskId 20 LastSequence 1710 Cabinet #PCW_CAB_Family01", "Cabinet PCW_CAB_Family01: 101 bytes, 1 members, LZX:18", "filler"}},
		{"msi/lessmsi/WPF2_32.msp", []string{"{09966C32-C34D-4FF4-8C7E-94A9630DDEF8}", "Classification       update", "source list     PatchSourceList", "validate product,minor,newequal", "CharCount 0x09270017", "Cabinet PCW_CAB_NetFX: 67 bytes, 1 members, LZX:18"}},
		{"generated/hand.msp", []string{"{0F96CDC0-4CDF-4304-B283-7B9264889EF7}", "transforms      T1 #T1", "min installer   4", "File                     +0 ~1 -0"}},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			path := testcorpus.Dir(t, c.file)
			out, errs, st := runArgs("patch", "inspect", "--files", path)
			if st != 0 {
				t.Fatalf("status %d: %s", st, errs)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			out, _, st = runArgs("patch", "inspect", path, "--json")
			var doc inspection
			if st != 0 || json.Unmarshal([]byte(out), &doc) != nil || doc.PatchCode == "" || len(doc.Pairs) != 1 {
				t.Errorf("--json: status %d, %+v\n%s", st, doc, out)
			}
		})
	}
}

func TestPatchInspectExitCodes(t *testing.T) {
	dir := t.TempDir()
	if _, errs, st := runArgs("patch", "inspect", filepath.Join(dir, "missing.msp")); st != wantStatus(1635) {
		t.Errorf("missing: status %d, want 1635\n%s", st, errs)
	}
	bad := filepath.Join(dir, "bad.msp")
	os.WriteFile(bad, bytes.Repeat([]byte("garbage!"), 200), 0o644)
	if _, errs, st := runArgs("patch", "inspect", bad); st != wantStatus(1636) {
		t.Errorf("garbage: status %d, want 1636\n%s", st, errs)
	}
	if _, errs, st := runArgs("patch", "inspect", testcorpus.Dir(t, "generated/tiny.msi")); st != wantStatus(1636) || !strings.Contains(errs, "not of a patch") {
		t.Errorf("an .msi: status %d, want 1636\n%s", st, errs)
	}
}

// create -> inspect --files -> msi diff/apply round trip through the CLI.
func TestPatchCreateAndTransformCLI(t *testing.T) {
	prod := transformtest.BuildProduct(t)
	dir := t.TempDir()
	msp := filepath.Join(dir, "P.msp")
	out, errs, st := runArgs("patch", "create", "--target", prod.V1, "--upgraded", prod.V2, "-o", msp,
		"--patch-code", "{11112222-3333-4444-5555-666677778888}", "--classification", "Security Rollup", "--display-name", "Fixture fix", "--sequence", "FixFamily:1.0.1")
	if st != 0 {
		t.Fatalf("create: %d %s", st, errs)
	}
	if !strings.Contains(out, "NewTxt (added)") || !strings.Contains(out, "AppTxt (updated)") {
		t.Errorf("create output:\n%s", out)
	}
	out, errs, st = runArgs("patch", "inspect", "--files", msp)
	for _, w := range []string{"Classification       Security Rollup", "DisplayName          Fixture fix", "family FixFamily sequence 1.0.1", "app.txt", "component CompApp", "version 1.0.1.0 (updated)", "new.txt", "(added)"} {
		if !strings.Contains(out, w) {
			t.Errorf("inspect lacks %q (status %d %s):\n%s", w, st, errs, out)
		}
	}
	if out, errs, st := runArgs("patch", "inspect", "--files", "--json", "--target", prod.V1, msp); st != 0 || !strings.Contains(out, `"name": "new.txt"`) || !strings.Contains(out, `"Classification": "Security Rollup"`) {
		t.Errorf("inspect --target --json: %d %s\n%s", st, errs, out)
	}
	if _, errs, st := runArgs("patch", "create", "--target", prod.V2, "--upgraded", prod.V1, "-o", filepath.Join(dir, "x.msp")); st != wantStatus(1620) || !strings.Contains(errs, "cannot make") {
		t.Errorf("downgrade: status %d\n%s", st, errs)
	}
	if _, errs, st := runArgs("patch", "create", "--target", prod.V1, "--upgraded", prod.V2, "-o", filepath.Join(dir, "x.msp"), "--sequence", "nocolon"); st != wantStatus(1639) {
		t.Errorf("bad --sequence: status %d\n%s", st, errs)
	}

	mst := filepath.Join(dir, "t.mst")
	if _, errs, st := runArgs("msi", "diff", prod.V1, prod.V2, "-o", mst, "--validate", "product,upgradecode", "--suppress", "addexistingrow"); st != 0 {
		t.Fatalf("msi diff: %d %s", st, errs)
	}
	outMsi := filepath.Join(dir, "out.msi")
	if _, errs, st := runArgs("msi", "apply", prod.V1, mst, "-o", outMsi); st != 0 {
		t.Fatalf("msi apply: %d %s", st, errs)
	}
	// The result equals v2: diffing them gives an empty transform.
	out, _, _ = runArgs("msi", "diff", outMsi, prod.V2, "-o", filepath.Join(dir, "empty.mst"))
	if strings.Contains(out, "inserted") {
		t.Errorf("applied database differs from v2:\n%s", out)
	}
	// Applying to the wrong product fails validation with 1624.
	if _, errs, st := runArgs("msi", "apply", testcorpus.Dir(t, "generated/tiny.msi"), mst, "-o", filepath.Join(dir, "o2.msi")); st != wantStatus(1624) || !strings.Contains(errs, "product code") {
		t.Errorf("wrong product: status %d\n%s", st, errs)
	}
	if _, errs, st := runArgs("msi", "diff", prod.V1, prod.V2, "-o", mst, "--validate", "nonsense"); st != wantStatus(1639) {
		t.Errorf("bad --validate: %d %s", st, errs)
	}
}

// A patch without MsiPatchSequence (hand.msp) must print "sequences": [],
// never null; every always-present list is a JSON array.
func TestPatchInspectJSONEmptyListsAreArrays(t *testing.T) {
	path := testcorpus.Dir(t, "generated/hand.msp")
	out, errs, st := runArgs("patch", "inspect", path, "--json")
	if st != 0 {
		t.Fatalf("status %d: %s", st, errs)
	}
	if strings.Contains(out, "null") {
		t.Errorf("--json output has null:\n%s", out)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"targets", "transforms", "sequences", "pairs", "media", "cabinets"} {
		if _, ok := doc[k].([]any); !ok {
			t.Errorf("%q is %T (%v), want an array", k, doc[k], doc[k])
		}
	}
	if seq, _ := doc["sequences"].([]any); len(seq) != 0 {
		t.Errorf("hand.msp sequences = %v, want []", seq)
	}
}
