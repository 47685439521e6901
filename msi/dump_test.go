package msi

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

func exportDir(t testing.TB, path string) string {
	t.Helper()
	db, err := Open(path)
	if err != nil {
		t.Fatalf("Open %s: %v", path, err)
	}
	defer db.Close()
	d := t.TempDir()
	if err := db.Export(d, ExportOptions{}); err != nil {
		t.Fatalf("Export %s: %v", path, err)
	}
	return d
}

func TestDumpMatchesMsidumpCorpus(t *testing.T) {
	gen := sharedDir(t, "generated")
	less := sharedDir(t, "msi/lessmsi")
	files := []string{
		filepath.Join(gen, "tiny.msi"), filepath.Join(gen, "hand.msp"), filepath.Join(gen, "fix.mst"),
	}
	for _, f := range []string{"vcredist.msi", "VBRuntime.msi", "IviNetSharedComponents32_Fx20_1.3.0.msi",
		"ExtractOnlySomeFiles.msi", "msi_with_external_cab.msi", "SQL2008_AS.msp", "WPF2_32.msp"} {
		files = append(files, filepath.Join(less, f))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			compareDumps(t, msidumpDir(t, f), exportDir(t, f))
		})
	}
}

// TestSummaryTimesInLocalTime: msidump writes FILETIMEs in the local time
// zone; so do we.
func TestSummaryTimesInLocalTime(t *testing.T) {
	testtools.LookPath(t, "msiinfo")
	loc, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Skipf("no tz database: %v", err)
	}
	tiny := filepath.Join(sharedDir(t, "generated"), "tiny.msi")
	cmd := exec.Command("msiinfo", "export", tiny, "_SummaryInformation")
	cmd.Env = append(os.Environ(), "TZ=Asia/Kolkata")
	want, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	saved := time.Local
	time.Local = loc
	defer func() { time.Local = saved }()
	db, err := Open(tiny)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	si, _ := db.Summary()
	var got bytes.Buffer
	WriteSummaryIDT(&got, si)
	if got.String() != string(want) {
		t.Errorf("summary IDT in Asia/Kolkata:\n%q\nwant\n%q", got.String(), want)
	}
	if !strings.Contains(got.String(), "2026/11/26 17:22:12") {
		t.Errorf("expected the +05:30 local time in %q", got.String())
	}
}

// TestMergeModule: a merge module is a package container too.
func TestMergeModule(t *testing.T) {
	dir, idts := writeIDTs(t, map[string]string{
		"ModuleSignature":  "ModuleID\tLanguage\tVersion\ns72\ti2\ts32\nModuleSignature\tModuleID\tLanguage\nTestModule.AAAAAAAA_1111_2222_3333_444444444444\t1033\t1.0.0\n",
		"ModuleComponents": "Component\tModuleID\tLanguage\ns72\ts72\ti2\nModuleComponents\tComponent\tModuleID\tLanguage\nMC1.AAAAAAAA_1111_2222_3333_444444444444\tTestModule.AAAAAAAA_1111_2222_3333_444444444444\t1033\n",
	})
	testtools.LookPath(t, "msibuild")
	msm := filepath.Join(dir, "module.msm")
	run(t, dir, "msibuild", append([]string{msm, "-i"}, idts...)...)
	compareDumps(t, msidumpDir(t, msm), exportDir(t, msm))
	compareDumps(t, exportDir(t, msm), msidumpDir(t, rewrite(t, msm)))
}
