package patch

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// msiinfo (libmsi) reads the summaries of our .msp and .mst; 7-Zip lists
// their compound-file layout.
func TestPeerToolsReadOurFiles(t *testing.T) {
	prod, msp, res := createFixturePatch(t)
	base, _ := msi.Open(prod.V1)
	defer base.Close()
	upd, _ := msi.Open(prod.V2)
	defer upd.Close()
	tr, err := transform.Diff(base, upd, transform.DiffOptions{Validate: transform.PatchValidate, Errors: transform.PatchErrors})
	if err != nil {
		t.Fatal(err)
	}
	mst := filepath.Join(t.TempDir(), "t.mst")
	if err := tr.WriteFile(mst); err != nil {
		t.Fatal(err)
	}
	t.Run("msiinfo", func(t *testing.T) {
		testtools.LookPath(t, "msiinfo")
		out := runTool(t, "msiinfo", "suminfo", msp)
		for _, want := range []string{"Template: {5A1E0C3D-7B2F-4C11-9D8E-0F1A2B3C4D5E}", "Last author: :TargetToUpgraded;:#TargetToUpgraded", "Revision number (UUID): " + res.PatchCode, "Title: Patch"} {
			if !strings.Contains(out, want) {
				t.Errorf("msiinfo suminfo .msp lacks %q:\n%s", want, out)
			}
		}
		out = runTool(t, "msiinfo", "suminfo", mst)
		for _, want := range []string{"Template: Intel;1033", "{5A1E0C3D-7B2F-4C11-9D8E-0F1A2B3C4D5E}1.0.0;{5A1E0C3D-7B2F-4C11-9D8E-0F1A2B3C4D5E}1.0.1;{6B2F1D4E-8C3A-4D22-AE9F-1A2B3C4D5E6F}", "Restrict: 153223199 (922001f)"} {
			if !strings.Contains(out, want) {
				t.Errorf("msiinfo suminfo .mst lacks %q:\n%s", want, out)
			}
		}
		// libmsi opens the patch root as a database: its tables list.
		out = runTool(t, "msiinfo", "tables", msp)
		if !strings.Contains(out, "MsiPatchMetadata") || !strings.Contains(out, "MsiPatchSequence") {
			t.Errorf("msiinfo tables: %s", out)
		}
	})
	t.Run("7z", func(t *testing.T) {
		seven := testtools.SevenZip(t)
		out := runTool(t, seven, "l", "-tCompound", msp)
		for _, want := range []string{"TargetToUpgraded/!File", "#TargetToUpgraded/!_Tables", "#TargetToUpgraded/!PatchPackage", "!MsiPatchSequence", "!MsiPatchMetadata", res.Cabinet, "[5]SummaryInformation"} {
			if !strings.Contains(out, want) {
				t.Errorf("7z listing of .msp lacks %q:\n%s", want, out)
			}
		}
		out = runTool(t, seven, "l", "-tCompound", mst)
		for _, want := range []string{"!File", "!_StringPool", "!_StringData", "!Component", "[5]SummaryInformation"} {
			if !strings.Contains(out, want) {
				t.Errorf("7z listing of .mst lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("cabextract", func(t *testing.T) {
		testtools.LookPath(t, "cabextract")
		p, err := Open(msp)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		b, err := p.Database().ReadStream(res.Cabinet)
		if err != nil {
			t.Fatal(err)
		}
		cabPath := filepath.Join(t.TempDir(), "p.cab")
		writeFile(t, cabPath, b)
		out := runTool(t, "cabextract", "-t", cabPath)
		if !strings.Contains(out, "All done, no errors") {
			t.Errorf("cabextract -t: %s", out)
		}
	})
}
