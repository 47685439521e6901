package msi

import (
	"path/filepath"
	"testing"
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
