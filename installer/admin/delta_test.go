package admin

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/delta"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/patch"
)

// deltaFixture is the patch fixture with its patch made by
// `patch create --delta`: library.dll (text with an edit) travels as a
// PA19 delta, the others (tiny, random or new) whole.
func deltaFixture(t *testing.T, work string) *patchFixture {
	t.Helper()
	fx := buildPatchFixtureWith(t, work, patch.CreateOptions{Delta: true})
	if !slices.Equal(fx.Created.Deltas, []string{"LibDll"}) {
		t.Fatalf("deltas %v, want [LibDll] (delivered %v)", fx.Created.Deltas, fx.Created.Delivered)
	}
	return fx
}

func TestApplyDeltaPatch(t *testing.T) {
	work := t.TempDir()
	fx := deltaFixture(t, work)
	for _, short := range []bool{false, true} {
		t.Run(map[bool]string{false: "long", true: "short"}[short], func(t *testing.T) {
			img := filepath.Join(t.TempDir(), "image")
			mustCreate(t, fx.V1, img, short)
			imgMsi := filepath.Join(img, "product.msi")
			res, err := ApplyPatch(context.Background(), imgMsi, fx.Patch, ApplyOptions{})
			if err != nil {
				t.Fatalf("ApplyPatch: %v", err)
			}
			if res.FilesReplaced != 3 || res.FilesAdded != 1 || res.FilesPatched != 1 || len(res.Warnings) != 0 {
				t.Errorf("result %+v: want 3 replaced (1 from a delta), 1 added, no warning", res)
			}
			got := treeSnapshot(t, img)
			if d := diffTrees(fx.v2Files(short), withoutDB(got)); d != "" {
				t.Fatalf("patched image files differ from v2:\n%s", d)
			}
			checkPatchedDatabase(t, imgMsi, fx, short)
			db, err := msi.Open(imgMsi)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if db.HasTable("Patch") {
				if pt, _ := db.Table("Patch"); pt.Len() != 0 {
					t.Errorf("the image still has %d Patch rows: an installer would patch its new files again", pt.Len())
				}
			}
			ft, _ := db.Table("File")
			row, _ := ft.Lookup("LibDll")
			if n, _ := ft.Get(row, "FileSize").Int(); int(n) != len(fx.V2Src["library.dll"]) {
				t.Errorf("File.FileSize of LibDll = %d, want %d", n, len(fx.V2Src["library.dll"]))
			}
			// wixl writes MsiFileHash rows; the patch's transform carries the
			// new file's (MD5 as four little-endian int32), which an installer
			// compares with the file it finds.
			sum := md5.Sum(fx.V2Src["library.dll"])
			ht, err := db.Table("MsiFileHash")
			if err != nil {
				t.Fatal(err)
			}
			hrow, ok := ht.Lookup("LibDll")
			if !ok {
				t.Fatal("no MsiFileHash row for LibDll")
			}
			for i := range 4 {
				got, _ := ht.Get(hrow, fmt.Sprintf("HashPart%d", i+1)).Int()
				if want := int32(binary.LittleEndian.Uint32(sum[4*i:])); int32(got) != want {
					t.Errorf("MsiFileHash.HashPart%d of LibDll = %d, want %d (the rebuilt file's)", i+1, got, want)
				}
			}
		})
	}
}

// TestApplyDeltaBaselineMismatch: an edited baseline refuses the whole
// update (1642) before anything changes, naming the file, what the delta
// expects and what the image has.
func TestApplyDeltaBaselineMismatch(t *testing.T) {
	work := t.TempDir()
	fx := deltaFixture(t, work)
	img := filepath.Join(work, "image")
	mustCreate(t, fx.V1, img, false)
	lib := filepath.Join(img, filepath.FromSlash(fixturePaths["LibDll"][0]))
	if err := os.WriteFile(lib, []byte("library edited by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	before := treeSnapshot(t, img)
	_, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.Patch, ApplyOptions{})
	if exitcode.Of(err) != BaselineMismatch || !strings.Contains(err.Error(), "Library Files/library.dll") ||
		!strings.Contains(err.Error(), "expected ") || !strings.Contains(err.Error(), "found 23 bytes") {
		t.Fatalf("err = %v (code %d), want 1642 naming the file, the expected and the found baseline", err, exitcode.Of(err))
	}
	t.Logf("refusal: %v", err)
	requireSameTree(t, before, img, "a refused delta update changed the image")

	// A symbolic link to the genuine baseline is not the image's file.
	outside := filepath.Join(work, "genuine.dll")
	img2 := filepath.Join(work, "image2")
	mustCreate(t, fx.V1, img2, false)
	lib2 := filepath.Join(img2, filepath.FromSlash(fixturePaths["LibDll"][0]))
	if err := os.Rename(lib2, outside); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, lib2); err != nil {
		t.Fatal(err)
	}
	_, err = ApplyPatch(context.Background(), filepath.Join(img2, "product.msi"), fx.Patch, ApplyOptions{})
	if exitcode.Of(err) != BaselineMismatch || !strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("baseline behind a symbolic link: %v, want 1642", err)
	}
}

// TestApplyDeltaPatchSequence: v1 → v2 by a delta patch, then v2 → v3 by a
// delta patch of the same file: the second delta's baseline is the file the
// first one rebuilt.
func TestApplyDeltaPatchSequence(t *testing.T) {
	work := t.TempDir()
	fx := deltaFixture(t, work)
	v3, src3 := buildFixtureExtra(t, filepath.Join(work, "v3"), "product", "1.0.2", false, true)
	p2 := filepath.Join(work, "P2.msp")
	cr2, err := patch.Create(fx.V2, v3, p2, patch.CreateOptions{Delta: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(cr2.Deltas, "LibDll") {
		t.Fatalf("second patch deltas %v, want LibDll among them", cr2.Deltas)
	}
	img := filepath.Join(work, "image")
	mustCreate(t, fx.V1, img, false)
	imgMsi := filepath.Join(img, "product.msi")
	if _, err := ApplyPatch(context.Background(), imgMsi, fx.Patch, ApplyOptions{}); err != nil {
		t.Fatalf("first patch: %v", err)
	}
	// The second patch does not apply to v1's files: applied to a fresh v1
	// image it is refused with the image unchanged.
	v1img := filepath.Join(work, "v1image")
	mustCreate(t, fx.V1, v1img, false)
	v1tree := treeSnapshot(t, v1img)
	if _, err := ApplyPatch(context.Background(), filepath.Join(v1img, "product.msi"), p2, ApplyOptions{}); exitcode.Of(err) != exitcode.PatchTargetNotFound {
		t.Errorf("v2→v3 patch on a v1 image: %v, want 1642", err)
	}
	requireSameTree(t, v1tree, v1img, "a refused v2→v3 patch changed the v1 image")
	res, err := ApplyPatch(context.Background(), imgMsi, p2, ApplyOptions{})
	if err != nil {
		t.Fatalf("second patch: %v", err)
	}
	if res.FilesPatched < 1 {
		t.Errorf("second patch: %+v, want a file patched from a delta", res)
	}
	want := map[string]string{newFilePaths[0]: string(src3["new.txt"])}
	for key, p := range fixturePaths {
		want[p[0]] = string(src3[fixtureSource[key]])
	}
	if d := diffTrees(want, withoutDB(treeSnapshot(t, img))); d != "" {
		t.Fatalf("image after v1→v2→v3 differs from v3:\n%s", d)
	}
	im, err := OpenImage(imgMsi)
	if err != nil || im.ProductVersion != "1.0.2" || len(im.AppliedPatches) != 2 {
		t.Errorf("image after two patches: %+v, %v", im, err)
	}
}

// TestApplyDeltaCrashAtEveryStep: SIGKILL at every journaled step of a
// delta update leaves the old image or the new one.
func TestApplyDeltaCrashAtEveryStep(t *testing.T) {
	if testing.Short() {
		t.Skip("crash loop skipped in -short mode")
	}
	work := t.TempDir()
	crashAtEveryStep(t, work, deltaFixture(t, work))
}

// TestCheckBaselinesNonVital: a failing non-vital delta is skipped with a
// warning, as Windows does; a failing vital one refuses the update.
func TestCheckBaselinesNonVital(t *testing.T) {
	dir := t.TempDir()
	oldB, newB := bytes.Repeat([]byte("old line\n"), 200), bytes.Repeat([]byte("new line\n"), 200)
	good, _ := os.Create(filepath.Join(dir, "good.txt"))
	good.Write(oldB)
	good.Close()
	os.WriteFile(filepath.Join(dir, "bad.txt"), []byte("not the baseline"), 0o644)
	d, err := delta.CreateBytes(oldB, newB, delta.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	plan := func(rel string, attrs int) *deltaPlan {
		dd, err := delta.Open(bytes.NewReader(d), int64(len(d)))
		if err != nil {
			t.Fatal(err)
		}
		return &deltaPlan{row: patch.DeltaFile{File: rel, Attributes: attrs}, rel: rel, d: dd, member: &cab.File{}}
	}
	var res ApplyResult
	keep, err := checkBaselines(dir, []*deltaPlan{plan("good.txt", 0), plan("bad.txt", patch.NonVital)}, &res, zap.NewNop())
	if err != nil || len(keep) != 1 || keep[0].rel != "good.txt" || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "bad.txt") {
		t.Fatalf("non-vital: keep %d, warnings %q, err %v", len(keep), res.Warnings, err)
	}
	_, err = checkBaselines(dir, []*deltaPlan{plan("good.txt", 0), plan("bad.txt", 0)}, &ApplyResult{}, zap.NewNop())
	if exitcode.Of(err) != BaselineMismatch || !strings.Contains(err.Error(), "bad.txt") {
		t.Fatalf("vital: err %v, want 1642 naming bad.txt", err)
	}
	// A baseline that already is the new file needs no delta.
	os.WriteFile(filepath.Join(dir, "done.txt"), newB, 0o644)
	keep, err = checkBaselines(dir, []*deltaPlan{plan("done.txt", 0)}, &ApplyResult{}, zap.NewNop())
	if err != nil || len(keep) != 1 || !keep[0].upToDate {
		t.Fatalf("up-to-date file: %v, %v", keep, err)
	}
}

// TestDeltaPatchTables: what `patch create --delta` puts in the product
// database once its transforms are applied (as an installer sees it): a
// Patch row for the delta file in the patch's sequence range with the PA19
// header of the cabinet member, the File row of that file keeping its
// product sequence, PatchFiles in both execute sequences and the
// PatchPackage row of the patch media.
func TestDeltaPatchTables(t *testing.T) {
	work := t.TempDir()
	fx := deltaFixture(t, work)
	db, err := msi.Open(fx.V1)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v1seq := fileSeq(t, db, "LibDll")
	p, err := patch.Open(fx.Patch)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Apply(db); err != nil {
		t.Fatal(err)
	}
	pt, err := db.Table("Patch")
	if err != nil || pt.Len() != 1 {
		t.Fatalf("Patch table: %v, %v", pt, err)
	}
	row := pt.Row(0)
	seq, _ := pt.Get(row, "Sequence").Int()
	size, _ := pt.Get(row, "PatchSize").Int()
	attrs, _ := pt.Get(row, "Attributes").Int()
	if pt.Get(row, "File_").Str() != "LibDll" || int(seq) < fx.Created.FirstSeq || int(seq) > fx.Created.LastSeq || attrs != 0 {
		t.Errorf("Patch row %v: want LibDll, vital, sequence in %d-%d", row, fx.Created.FirstSeq, fx.Created.LastSeq)
	}
	hdr, err := pt.Binary(row, "Header")
	if err != nil {
		t.Fatal(err)
	}
	cr, err := p.OpenCabinet(fx.Created.Cabinet)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	for _, m := range cr.Files {
		if m.Name != "LibDll" {
			continue
		}
		rc, _ := m.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		rc.Close()
		if int64(size) != m.Size || !bytes.HasPrefix(b.Bytes(), hdr) || !bytes.HasPrefix(hdr, []byte("PA19")) {
			t.Errorf("PatchSize %d, member %d bytes; the row's header must open the member's delta", size, m.Size)
		}
	}
	if s := fileSeq(t, db, "LibDll"); s != v1seq {
		t.Errorf("LibDll's File.Sequence moved from %d to %d; a delta file keeps it", v1seq, s)
	}
	for _, table := range []string{"InstallExecuteSequence", "AdminExecuteSequence"} {
		st, err := db.Table(table)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := st.Lookup("PatchFiles"); !ok {
			t.Errorf("%s has no PatchFiles action", table)
		}
	}
	pp, err := db.Table("PatchPackage")
	if err != nil || pp.Len() != 1 {
		t.Fatalf("PatchPackage: %v", err)
	}
	if m, _ := pp.Get(pp.Row(0), "Media_").Int(); int(m) != fx.Created.DiskID {
		t.Errorf("PatchPackage Media_ %d, want the patch's DiskId %d", m, fx.Created.DiskID)
	}
}

func fileSeq(t *testing.T, db *msi.Database, key string) int {
	t.Helper()
	ft, err := db.Table("File")
	if err != nil {
		t.Fatal(err)
	}
	row, ok := ft.Lookup(key)
	if !ok {
		t.Fatalf("no File row %s", key)
	}
	n, _ := ft.Get(row, "Sequence").Int()
	return int(n)
}

// TestCheckBaselinesDamagedDelta: a damaged delta (or one that cannot be
// used) refuses the update with 1636 when vital, and is skipped with a
// warning when not.
func TestCheckBaselinesDamagedDelta(t *testing.T) {
	dir := t.TempDir()
	damaged := func(attrs int) *deltaPlan {
		return &deltaPlan{row: patch.DeltaFile{File: "F", Attributes: attrs}, rel: "f.txt", member: &cab.File{},
			err: fmt.Errorf("f.txt (File F): %w: CRC-32 of the delta is wrong", delta.ErrCorrupt)}
	}
	_, err := checkBaselines(dir, []*deltaPlan{damaged(0)}, &ApplyResult{}, zap.NewNop())
	if exitcode.Of(err) != exitcode.PatchInvalid || !strings.Contains(err.Error(), "f.txt") {
		t.Fatalf("vital damaged delta: %v, want 1636 naming f.txt", err)
	}
	var res ApplyResult
	keep, err := checkBaselines(dir, []*deltaPlan{damaged(patch.NonVital)}, &res, zap.NewNop())
	if err != nil || len(keep) != 0 || len(res.Warnings) != 1 {
		t.Fatalf("non-vital damaged delta: keep %d, warnings %q, %v", len(keep), res.Warnings, err)
	}
}

// TestDeltasWithoutData: a Patch row whose delta is in no cabinet is 1636
// (vital) or a warning (non-vital); rows of files the image does not hold
// are ignored.
func TestDeltasWithoutData(t *testing.T) {
	lay := &layout{Files: []imageFile{{Key: "A", RelPath: "a.txt", Copied: true}, {Key: "B", RelPath: "b.txt", Copied: false}},
		ByKey: map[string]int{"A": 0, "B": 1}}
	rows := map[string]patch.DeltaFile{"A": {File: "A"}, "B": {File: "B"}, "C": {File: "C"}}
	err := deltasWithoutData(rows, nil, lay, &ApplyResult{}, zap.NewNop())
	if exitcode.Of(err) != exitcode.PatchInvalid || !strings.Contains(err.Error(), "for A but") {
		t.Fatalf("vital row without data: %v", err)
	}
	rows["A"] = patch.DeltaFile{File: "A", Attributes: patch.NonVital}
	var res ApplyResult
	if err := deltasWithoutData(rows, nil, lay, &res, zap.NewNop()); err != nil || len(res.Warnings) != 1 {
		t.Fatalf("non-vital row without data: %v, %q", err, res.Warnings)
	}
}
