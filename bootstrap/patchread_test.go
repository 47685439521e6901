package bootstrap

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/testcorpus"
)

func TestReadPatchInfoHandMSP(t *testing.T) {
	pi := ReadPatchInfo(testcorpus.Dir(t, "generated/hand.msp"))
	if pi.OpenError != "" {
		t.Fatal(pi.OpenError)
	}
	if pi.PatchCode == "" || len(pi.Targets) != 1 || pi.MinInstaller != 4 {
		t.Errorf("%+v", pi)
	}
}

func TestReadPatchInfoRealMSPs(t *testing.T) {
	for _, name := range []string{"SQL2008_AS.msp", "WPF2_32.msp"} {
		pi := ReadPatchInfo(testcorpus.Dir(t, "msi/lessmsi/"+name))
		if pi.OpenError != "" || len(pi.PatchCode) != 38 || len(pi.Targets) == 0 || pi.PayloadSize == 0 {
			t.Errorf("%s: %+v", name, pi)
		}
	}
}

func TestReadPatchInfoNotAPatch(t *testing.T) {
	pi := ReadPatchInfo(testcorpus.Dir(t, "generated/tiny.msi"))
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
