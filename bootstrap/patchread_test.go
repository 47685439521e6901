package bootstrap

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ohotfix/ohotfix/bootstrap/exitcode"
)

// sharedTestdata locates ../shared/testdata beside the repository.
func sharedTestdata(t *testing.T, rel string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "shared", "testdata", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared corpus missing in CI: %v", err)
		}
		t.Skipf("shared corpus not found (%v); it sits beside the repository in CI", err)
	}
	return p
}

func TestReadPatchInfoHandMSP(t *testing.T) {
	pi := ReadPatchInfo(sharedTestdata(t, "generated/hand.msp"))
	if pi.OpenError != "" {
		t.Fatal(pi.OpenError)
	}
	if pi.PatchCode == "" || len(pi.Targets) != 1 || pi.MinInstaller != 4 {
		t.Errorf("%+v", pi)
	}
}

func TestReadPatchInfoRealMSPs(t *testing.T) {
	for _, name := range []string{"SQL2008_AS.msp", "WPF2_32.msp"} {
		pi := ReadPatchInfo(sharedTestdata(t, "msi/lessmsi/"+name))
		if pi.OpenError != "" || len(pi.PatchCode) != 38 || len(pi.Targets) == 0 || pi.PayloadSize == 0 {
			t.Errorf("%s: %+v", name, pi)
		}
	}
}

func TestReadPatchInfoNotAPatch(t *testing.T) {
	pi := ReadPatchInfo(sharedTestdata(t, "generated/tiny.msi"))
	if pi.OpenCode != exitcode.PatchInvalid {
		t.Errorf("tiny.msi as patch: %+v", pi)
	}
	junk := filepath.Join(t.TempDir(), "junk.msp")
	os.WriteFile(junk, []byte("MZ not a compound file"), 0o644)
	if pi := ReadPatchInfo(junk); pi.OpenCode != exitcode.PatchInvalid || pi.OpenError == "" {
		t.Errorf("junk: %+v", pi)
	}
	if pi := ReadPatchInfo(filepath.Join(t.TempDir(), "missing.msp")); pi.OpenCode != exitcode.PatchOpenFailed {
		t.Errorf("missing: %+v", pi)
	}
}
