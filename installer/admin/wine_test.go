package admin

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/winetest"
	"github.com/ohotfix/ohotfix/msi/patch"
)

// TestWineInstallFromPatchedImage is the oracle for admin patching: Windows
// Installer (Wine's) installing from our patched image must put down the same
// files as installing v1 and applying the patch with msiexec /p. Both must be
// v2's files. It also proves our images are installable sources (long and
// short names).
func TestWineInstallFromPatchedImage(t *testing.T) {
	if testing.Short() {
		t.Skip("Wine oracle: skipped in -short mode")
	}
	winetest.Require(t)
	work := t.TempDir()
	wineOracle(t, work, buildPatchFixture(t, work))
}

// TestWineDeltaPatch: the same oracle for a patch made with --delta
// (library.dll as a PA19 delta, the other files whole): Wine's msiexec /p
// rebuilds library.dll with mspatcha from our delta, and installing from
// the image our engine patched gives the same files.
func TestWineDeltaPatch(t *testing.T) {
	if testing.Short() {
		t.Skip("Wine oracle: skipped in -short mode")
	}
	winetest.Require(t)
	work := t.TempDir()
	wineOracle(t, work, deltaFixture(t, work))
}

// wineOracle installs v1 and applies fx's patch with Wine's msiexec /p
// (the reference, which must give v2's files), then, for long and short
// names, patches an admin image of v1 with our engine and installs from it
// with Wine's msiexec /i: the same files.
func wineOracle(t *testing.T, work string, fx *patchFixture) {
	t.Helper()

	// Expected installed tree: target halves, long names, v2 contents.
	want := map[string]string{"added in v2.txt": string(fx.V2Src["new.txt"])}
	for key, rel := range map[string]string{
		"AppExe": "application.exe", "Readme": "readme.txt", "LibDll": "Library Files/library.dll",
		"DataBin": "Library Files/big data file.bin", "DeepTxt": "Library Files/deep/deep.txt",
	} {
		want[rel] = string(fx.V2Src[fixtureSource[key]])
	}

	installed := func(p *winetest.Prefix) map[string]string {
		dir := filepath.Join(p.ProgramFilesX86(), "Admin Test Product")
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("nothing installed in %s: %v", dir, err)
		}
		return treeSnapshot(t, dir)
	}
	msiexec := func(p *winetest.Prefix, args ...string) string {
		t.Helper()
		code, log, err := p.Msiexec(args...)
		if err != nil || code != 0 {
			t.Fatalf("msiexec %v: exit %d, %v\n%s", args, code, err, tail(log, 3000))
		}
		return log
	}

	// Reference: install v1, then msiexec /p.
	ref := winetest.NewPrefix(t)
	msiexec(ref, "/i", ref.WinPath(fx.V1))
	plog := msiexec(ref, "/p", ref.WinPath(fx.Patch), "REINSTALL=ALL", "REINSTALLMODE=omus")
	if len(fx.Created.Deltas) > 0 && !strings.Contains(plog, "PatchFiles. Return value 1") {
		t.Errorf("the patch carries deltas %v but Wine's log shows no successful PatchFiles action:\n%s", fx.Created.Deltas, tail(plog, 3000))
	}
	refTree := installed(ref)
	if d := diffTrees(want, refTree); d != "" {
		t.Fatalf("Wine's msiexec /p did not give v2's files (the oracle itself is off):\n%s", d)
	}

	for _, short := range []bool{false, true} {
		img := filepath.Join(work, map[bool]string{false: "image-long", true: "image-short"}[short])
		mustCreate(t, fx.V1, img, short)
		if _, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.Patch, ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
		p := winetest.NewPrefix(t)
		msiexec(p, "/i", p.WinPath(filepath.Join(img, "product.msi")))
		if d := diffTrees(refTree, installed(p)); d != "" {
			t.Errorf("short=%v: install from the patched image differs from v1 + msiexec /p:\n%s", short, d)
		}
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// TestWineDeltaPatchSequence: v1 → v2 → v3 by two delta patches applied
// by our engine to an admin image, library.dll a delta in both (growing by
// a byte in the second, so its File row changes too): Wine installing from
// the twice-patched image must give v3's files. (Wine's own msiexec /p of
// the two patches in turn is no oracle here: it leaves the second patch's
// whole files at v2, with whole-file patches as well.)
func TestWineDeltaPatchSequence(t *testing.T) {
	if testing.Short() {
		t.Skip("Wine oracle: skipped in -short mode")
	}
	winetest.Require(t)
	work := t.TempDir()
	fx := deltaFixture(t, work)
	v3, src3 := buildFixtureExtra(t, filepath.Join(work, "v3"), "product", "1.0.10", false, true)
	p2 := filepath.Join(work, "P2.msp")
	cr2, err := patch.Create(fx.V2, v3, p2, patch.CreateOptions{Delta: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cr2.Deltas, "LibDll") {
		t.Fatalf("second patch deltas %v, want LibDll", cr2.Deltas)
	}
	want := map[string]string{"added in v2.txt": string(src3["new.txt"])}
	for key, rel := range map[string]string{
		"AppExe": "application.exe", "Readme": "readme.txt", "LibDll": "Library Files/library.dll",
		"DataBin": "Library Files/big data file.bin", "DeepTxt": "Library Files/deep/deep.txt",
	} {
		want[rel] = string(src3[fixtureSource[key]])
	}
	installed := func(p *winetest.Prefix) map[string]string {
		return treeSnapshot(t, filepath.Join(p.ProgramFilesX86(), "Admin Test Product"))
	}
	msiexec := func(p *winetest.Prefix, args ...string) {
		t.Helper()
		if code, log, err := p.Msiexec(args...); err != nil || code != 0 {
			t.Fatalf("msiexec %v: exit %d, %v\n%s", args, code, err, tail(log, 3000))
		}
	}
	img := filepath.Join(work, "image")
	mustCreate(t, fx.V1, img, false)
	for _, msp := range []string{fx.Patch, p2} {
		if _, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), msp, ApplyOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	p := winetest.NewPrefix(t)
	msiexec(p, "/i", p.WinPath(filepath.Join(img, "product.msi")))
	if d := diffTrees(want, installed(p)); d != "" {
		t.Errorf("install from the twice-patched image differs from v3:\n%s", d)
	}
}

// TestWineLargeDeltaPatch: Wine's msiexec /p of the large delta patch
// (files growing by an inserted line, so their File rows change too)
// rebuilds the files whose headers are in their Patch rows. The file whose
// header is in MsiPatchHeaders (a key too long for the row's stream) stays
// at v1 under Wine, which does not read that table; Windows does. If this
// check ever fails because Wine got it right, drop the caveat in README.
func TestWineLargeDeltaPatch(t *testing.T) {
	if testing.Short() {
		t.Skip("Wine oracle: skipped in -short mode")
	}
	winetest.Require(t)
	work := t.TempDir()
	v1, src1 := buildLargeProduct(t, filepath.Join(work, "v1"), "1.0.0", false)
	v2, src2 := buildLargeProduct(t, filepath.Join(work, "v2"), "1.0.1", true)
	msp := filepath.Join(work, "delta.msp")
	if _, err := patch.Create(v1, v2, msp, patch.CreateOptions{Delta: true}); err != nil {
		t.Fatal(err)
	}
	p := winetest.NewPrefix(t)
	for _, args := range [][]string{{"/i", p.WinPath(v1)}, {"/p", p.WinPath(msp), "REINSTALL=ALL", "REINSTALLMODE=omus"}} {
		if code, log, err := p.Msiexec(args...); code != 0 || err != nil {
			t.Fatalf("msiexec %v: exit %d, %v\n%s", args, code, err, tail(log, 3000))
		}
	}
	for name, want := range map[string][]byte{"random.bin": src2["random.bin"], "text.log": src2["text.log"], "long-id.txt": src1["long-id.txt"]} {
		got, err := os.ReadFile(filepath.Join(p.ProgramFilesX86(), "LargeDelta", name))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s after msiexec /p: %d bytes, %v; want %d bytes", name, len(got), err, len(want))
		}
	}
}
