package admin

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi"
)

// corruptCabinet flips one byte inside the data of the last large CFDATA
// block of the cabinet stream embedded in the compound file at path (a
// package or a patch), so that reading the members before it works and the
// block's checksum fails. It finds the bytes in the file by content: a
// 64-byte chunk aligned to 512 never spans two sectors of the stream.
func corruptCabinet(t *testing.T, path string) {
	t.Helper()
	db, err := msi.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	var data []byte
	for _, name := range db.Streams() {
		b, err := db.ReadStream(name)
		if err == nil && bytes.HasPrefix(b, []byte("MSCF")) {
			data = b
			break
		}
	}
	db.Close()
	if data == nil || binary.LittleEndian.Uint16(data[26:]) != 1 || binary.LittleEndian.Uint16(data[30:])&4 != 0 {
		t.Fatalf("%s: no single-folder cabinet stream without reserve to corrupt", path)
	}
	off := int(binary.LittleEndian.Uint32(data[36:]))
	blocks := int(binary.LittleEndian.Uint16(data[40:]))
	target := -1
	for range blocks {
		csum := binary.LittleEndian.Uint32(data[off:])
		n := int(binary.LittleEndian.Uint16(data[off+4:]))
		start := (off + 8 + 511) &^ 511 // first 512-aligned offset in the data
		if csum != 0 && start+64 <= off+8+n {
			target = start
		}
		off += 8 + n
	}
	if target < 0 {
		t.Fatalf("%s: no checksummed block of 576+ bytes in the cabinet", path)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(raw, data[target:target+64])
	if at < 0 || bytes.Contains(raw[at+1:], data[target:target+64]) {
		t.Fatalf("%s: the chunk to corrupt is not found exactly once", path)
	}
	raw[at+10] ^= 0x5a
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestApplyPatchCorruptCabinet: a flipped byte in the patch's cabinet is an
// invalid patch (1636), not a failed install (1603); the image is unchanged.
func TestApplyPatchCorruptCabinet(t *testing.T) {
	_, fx, img := v1Image(t)
	corruptCabinet(t, fx.Patch)
	before := treeSnapshot(t, img)
	_, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.Patch, ApplyOptions{})
	if exitcode.Of(err) != exitcode.PatchInvalid || !errors.Is(err, cab.ErrFormat) {
		t.Fatalf("err = %v (code %v), want 1636 wrapping a cabinet format error", err, exitcode.Of(err))
	}
	requireSameTree(t, before, img, "image changed")
}

// TestCreateCorruptCabinet: a flipped byte late in the package's cabinet is
// an invalid package (1620); the files copied before it are taken back, and
// what was in the folder before stays.
func TestCreateCorruptCabinet(t *testing.T) {
	work := t.TempDir()
	pkg, _ := buildFixture(t, filepath.Join(work, "pkg"), "product", "1.0.0", false)
	corruptCabinet(t, pkg)
	img := filepath.Join(work, "image")
	writeTree(t, img, map[string]string{"Source Tree Long/mine.txt": "kept\n"})
	before := treeSnapshot(t, img)
	_, err := Create(context.Background(), pkg, img, CreateOptions{})
	if exitcode.Of(err) != exitcode.PackageInvalid || !errors.Is(err, cab.ErrFormat) {
		t.Fatalf("err = %v (code %v), want 1620 wrapping a cabinet format error", err, exitcode.Of(err))
	}
	checkTakenBack(t, img, before, filepath.Join(img, "Source Tree Long", "Library Files"))
}

// TestCreateFailureRemovesWhatItWrote: when the database cannot be written
// (after every file was copied), the run removes its files and folders and
// only those.
func TestCreateFailureRemovesWhatItWrote(t *testing.T) {
	work := t.TempDir()
	pkg, _ := buildFixture(t, filepath.Join(work, "pkg"), "product", "1.0.0", false)
	img := filepath.Join(work, "image")
	// A folder where the database goes: the last step fails.
	writeTree(t, img, map[string]string{"product.msi/x": "x", "other.txt": "other\n"})
	before := treeSnapshot(t, img)
	_, err := Create(context.Background(), pkg, img, CreateOptions{})
	if exitcode.Of(err) != exitcode.Fatal || !strings.Contains(err.Error(), "database") {
		t.Fatalf("err = %v (code %v), want 1603 writing the database", err, exitcode.Of(err))
	}
	checkTakenBack(t, img, before, filepath.Join(img, "Source Tree Long"))
}

// checkTakenBack fails unless the image folder holds what it held before a
// failed Create (before) and the folder the run created (made) is gone.
func checkTakenBack(t *testing.T, img string, before map[string]string, made string) {
	t.Helper()
	requireSameTree(t, before, img, "the failed run left files behind")
	if _, err := os.Stat(made); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a folder the failed run created is still there: %v", err)
	}
}

// outsideLink replaces the image folder rel by a symbolic link to a folder
// outside the image holding the same files; it returns that folder.
func outsideLink(t *testing.T, img, rel string) string {
	t.Helper()
	outside := filepath.Join(t.TempDir(), "outside")
	if err := os.Rename(filepath.Join(img, rel), outside); err != nil {
		t.Fatal(err)
	}
	symlink(t, outside, filepath.Join(img, rel))
	return outside
}

// TestApplyPatchRefusesFolderLinks: a folder of the image that is a link to
// somewhere else is refused (1603, naming it); nothing is written there.
func TestApplyPatchRefusesFolderLinks(t *testing.T) {
	_, fx, img := v1Image(t)
	before := treeSnapshot(t, img)
	outside := outsideLink(t, img, "Source Tree Long")
	beforeOut := treeSnapshot(t, outside)
	_, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.Patch, ApplyOptions{})
	if exitcode.Of(err) != exitcode.Fatal || err == nil || !strings.Contains(err.Error(), filepath.Join(img, "Source Tree Long")) ||
		!strings.Contains(err.Error(), "symbolic link") {
		t.Fatalf("err = %v (code %v), want 1603 naming the linked folder", err, exitcode.Of(err))
	}
	if d := diffTrees(beforeOut, treeSnapshot(t, outside)); d != "" {
		t.Fatalf("the folder outside the image changed:\n%s", d)
	}
	// Put the folder back: the rest of the image is unchanged too.
	if err := os.Remove(filepath.Join(img, "Source Tree Long")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(outside, filepath.Join(img, "Source Tree Long")); err != nil {
		t.Fatal(err)
	}
	requireSameTree(t, before, img, "image changed")
}

// TestCreateRefusesFolderLinks: the same for Create into a folder whose
// subfolder links outside; a link as a file is replaced, not followed.
func TestCreateRefusesFolderLinks(t *testing.T) {
	work := t.TempDir()
	pkg, src := buildFixture(t, filepath.Join(work, "pkg"), "product", "1.0.0", false)
	img := filepath.Join(work, "image")
	if err := os.MkdirAll(filepath.Join(img, "Source Tree Long"), 0o755); err != nil {
		t.Fatal(err)
	}
	outside := outsideLink(t, img, "Source Tree Long")
	_, err := Create(context.Background(), pkg, img, CreateOptions{})
	if exitcode.Of(err) != exitcode.Fatal || err == nil || !strings.Contains(err.Error(), filepath.Join(img, "Source Tree Long")) {
		t.Fatalf("err = %v (code %v), want 1603 naming the linked folder", err, exitcode.Of(err))
	}
	if got := treeSnapshot(t, outside); len(got) != 0 {
		t.Fatalf("files written outside the image: %v", sortedKeys(got))
	}

	// A file that is a link: replaced by the image's file, its target untouched.
	img2 := filepath.Join(work, "image2")
	if err := os.MkdirAll(filepath.Join(img2, "Source Tree Long"), 0o755); err != nil {
		t.Fatal(err)
	}
	victim := filepath.Join(work, "victim.txt")
	if err := os.WriteFile(victim, []byte("victim\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	symlink(t, victim, filepath.Join(img2, "Source Tree Long", "readme.txt"))
	mustCreate(t, pkg, img2, false)
	if b, _ := os.ReadFile(victim); string(b) != "victim\n" {
		t.Fatalf("the link's target was written: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(img2, "Source Tree Long", "readme.txt")); string(b) != string(src["readme.txt"]) {
		t.Fatalf("readme.txt = %q", b)
	}
}
