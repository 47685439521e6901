package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/winetest"
)

// `pack --stub X.exe` refuses a payload of 4 GiB or more with a message
// (a PE's certificate table is found through a 32-bit offset) and writes
// nothing. The inputs are sparse files: nothing is read before the refusal.
func TestPackWindowsStubRefusesFourGiB(t *testing.T) {
	stub := winetest.BuildWindowsExe(t, ".")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\n"), 0o644)
	for i := range 3 {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("part%d.msp", i)))
		if err != nil {
			t.Fatal(err)
		}
		f.Truncate(1_500_000_000)
		f.Close()
	}
	out := filepath.Join(t.TempDir(), "big.exe")
	r := runBinary(t, nil, "pack", dir, "-o", out, "--stub", stub)
	if r.status != wantStatus(1639) || !strings.Contains(r.stderr, "cannot carry 4 GiB or more") {
		t.Errorf("status %d stderr %q", r.status, r.stderr)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Errorf("left %v", entries)
	}
}
