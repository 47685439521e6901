package bootstrap

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/testcorpus"
	"github.com/ohotfix/ohotfix/internal/transformtest"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/patch"
)

func TestReadPatchInfoTransforms(t *testing.T) {
	prod := transformtest.BuildProduct(t)
	msp := filepath.Join(t.TempDir(), "p.msp")
	if _, err := patch.Create(prod.V1, prod.V2, msp, patch.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pi := ReadPatchInfo(msp)
	if pi.OpenError != "" || len(pi.Transforms) != 1 {
		t.Fatalf("%+v", pi)
	}
	in := pi.Transforms[0].Info
	if strings.HasPrefix(pi.Transforms[0].Name, "#") || !strings.EqualFold(in.BaseProductCode, pi.Targets[0]) || in.BaseVersion != "1.0.0" || in.NewVersion != "1.0.1" {
		t.Errorf("transform %s: %+v, targets %v", pi.Transforms[0].Name, in, pi.Targets)
	}

	// A transform the summary lists but the file lacks: the patch is
	// malformed (1636), refused like any other unreadable patch.
	db, err := msi.Open(msp)
	if err != nil {
		t.Fatal(err)
	}
	si, err := db.Summary()
	if err != nil {
		t.Fatal(err)
	}
	si.SetString(msi.PIDLastSavedBy, si.LastSavedBy()+";:Gone;:#Gone")
	db.SetSummary(si)
	if err := db.Commit(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	pi = ReadPatchInfo(msp)
	if pi.OpenCode != exitcode.PatchInvalid || !strings.Contains(pi.OpenError, `"Gone"`) || len(pi.Transforms) != 0 {
		t.Errorf("missing transform storage: %+v", pi)
	}
}

func TestReadPatchInfoTransformsOfRealMSPs(t *testing.T) {
	for _, name := range []string{"SQL2008_AS.msp", "WPF2_32.msp"} {
		pi := ReadPatchInfo(testcorpus.Dir(t, "msi/lessmsi/"+name))
		if pi.OpenError != "" || len(pi.Transforms) != 1 || !strings.EqualFold(pi.Transforms[0].Info.BaseProductCode, pi.Targets[0]) {
			t.Errorf("%s: %+v", name, pi)
		}
	}
}
