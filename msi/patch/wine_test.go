package patch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/transformtest"
	"github.com/ohotfix/ohotfix/internal/winetest"
)

// Oracle: Wine's msiexec installs v1, applies the patch we created, and
// every installed file must then equal v2's bytes.
func TestWinePatchInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("Wine oracle skipped in -short mode")
	}
	winetest.Require(t)
	prod, msp, res := createFixturePatch(t)
	p := wineInstallAndPatch(t, prod, msp)
	found := false
	for _, pr := range p.Products(t) {
		for _, pa := range pr.Patches {
			if strings.EqualFold(pa.Code, res.PatchCode) {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("Wine does not list patch %s as applied: %+v", res.PatchCode, p.Products(t))
	}
}

// wineInstallAndPatch installs v1 with msiexec /i, applies msp with
// msiexec /p, and checks the installed files: v1's bytes after the install,
// v2's after the patch.
func wineInstallAndPatch(t *testing.T, prod *transformtest.Product, msp string) *winetest.Prefix {
	t.Helper()
	p := winetest.NewPrefix(t)
	code, log, err := p.Msiexec("/i", p.WinPath(prod.V1))
	if err != nil || code != 0 {
		t.Fatalf("install v1: exit %d, %v\n%s", code, err, tail(log))
	}
	dir := filepath.Join(p.ProgramFilesX86(), "PatchFixture")
	for name, want := range prod.V1Data {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != string(want) {
			t.Fatalf("after v1 install, %s: %v (%d bytes)", name, err, len(got))
		}
	}
	code, log, err = p.Msiexec("/p", p.WinPath(msp), "REINSTALL=ALL", "REINSTALLMODE=omus")
	if err != nil || code != 0 {
		t.Fatalf("apply patch: exit %d, %v\n%s", code, err, tail(log))
	}
	if strings.Contains(log, "wasn't applicable") {
		t.Errorf("Wine skipped a transform:\n%s", grepLines(log, "applicable"))
	}
	for name, want := range prod.Files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if string(got) != string(want) {
			t.Errorf("%s: installed %q, want v2's %q", name, truncate(got), truncate(want))
		}
	}
	return p
}

func truncate(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

func tail(s string) string {
	if len(s) > 6000 {
		return s[len(s)-6000:]
	}
	return s
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
