package admin

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
)

// stagedBytes is what the staging folder holds on disk (file sizes rounded
// up to blocks), measured while the journal is written: staging is complete
// then and nothing has been switched or cleaned up.
func stagedBytes(t *testing.T, stage string) int64 {
	var n int64
	filepath.WalkDir(stage, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += roundBlock(fi.Size())
			}
		}
		return nil
	})
	return n
}

// Issue 15: the space estimate counts everything the run writes into the
// image folder (staged files, the new database, the journal), so it covers
// what staging really writes; and too little free space is refused with 1632
// before anything is staged.
func TestEstimateApplySpaceCoversStaging(t *testing.T) {
	_, fx, img := v1Image(t)
	msiPath := filepath.Join(img, "product.msi")
	needs, err := EstimateApplySpace(msiPath, fx.Patch)
	if err != nil {
		t.Fatal(err)
	}
	if len(needs) != 1 || !sameFile(needs[0].Folder, img) {
		t.Fatalf("needs = %v, want one for the image folder", needs)
	}
	need := needs[0]
	var peak int64
	testHookFileOp = func(_ int64, kind, path string) error {
		if kind == "journal" {
			peak = stagedBytes(t, filepath.Join(img, stageDirName))
		}
		return nil
	}
	_, err = ApplyPatch(context.Background(), msiPath, fx.Patch, ApplyOptions{})
	testHookFileOp = nil
	if err != nil {
		t.Fatal(err)
	}
	patchSize := fileSize(t, fx.Patch)
	t.Logf("patch %d bytes; staging wrote %d bytes; estimate %v", patchSize, peak, need)
	if peak == 0 || need.Bytes < peak {
		t.Fatalf("estimate %d bytes < %d bytes staged", need.Bytes, peak)
	}
	if need.Parts["new database"] < fileSize(t, msiPath) {
		t.Errorf("the new database is counted as %d bytes, less than the database itself", need.Parts["new database"])
	}
}

func fileSize(t *testing.T, p string) int64 {
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func TestApplyPatchRefusesWithoutSpace(t *testing.T) {
	_, fx, img := v1Image(t)
	msiPath := filepath.Join(img, "product.msi")
	before := treeSnapshot(t, img)
	defer func() { freeSpace = checksFreeSpace }()
	var asked int64
	freeSpace = func(string) (uint64, error) { return 192 << 10, nil } // 192 KiB free
	staged := false
	testHookFileOp = func(_ int64, kind, _ string) error {
		staged = staged || kind == "stage"
		return nil
	}
	_, err := ApplyPatch(context.Background(), msiPath, fx.Patch, ApplyOptions{})
	testHookFileOp = nil
	if exitcode.Of(err) != exitcode.TempUnwritable {
		t.Fatalf("192 KiB free: %v (code %v), want 1632", err, exitcode.Of(err))
	}
	if staged {
		t.Error("files were staged before the refusal")
	}
	requireSameTree(t, before, img, "a refusal changed the image")
	if _, err := os.Lstat(filepath.Join(img, stageDirName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a staging folder was created: %v", err)
	}
	// As much free space as EstimateApplySpace says is enough for the engine.
	freeSpace = func(dir string) (uint64, error) {
		n := uint64(stagingNeedOf(t, img, fx).Bytes)
		asked = int64(n)
		return n, nil
	}
	if _, err := ApplyPatch(context.Background(), msiPath, fx.Patch, ApplyOptions{}); err != nil {
		t.Fatalf("with %d bytes free: %v", asked, err)
	}
}

var checksFreeSpace = freeSpace

// stagingNeedOf is the need the engine computes for the fixture's patch (its
// delivered files and the current database).
func stagingNeedOf(t *testing.T, img string, fx *patchFixture) SpaceNeed {
	needs, err := EstimateApplySpace(filepath.Join(img, "product.msi"), fx.Patch)
	if err != nil {
		t.Fatal(err)
	}
	return needs[0]
}

// Inventory reports, per readable patch, the target-folder space
// EstimateApplySpace computes (from the database it has already read).
func TestInventorySpaceIsTheEstimate(t *testing.T) {
	_, fx, img := v1Image(t)
	msiPath := filepath.Join(img, "product.msi")
	needs, err := EstimateApplySpace(msiPath, fx.Patch)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := NewBackend(BackendOptions{ImagePath: msiPath, ReadOnly: true}).Inventory(context.Background(),
		[]installer.PatchInfo{{File: fx.Patch}, {File: filepath.Join(img, "missing.msp")}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]installer.Space{fx.Patch: {Target: uint64(needs[0].Bytes)}}
	if !reflect.DeepEqual(inv.Space, want) {
		t.Fatalf("inventory space %v, want %v", inv.Space, want)
	}
}
