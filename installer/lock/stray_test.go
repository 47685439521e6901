package lock

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// Issue 15: a holder killed while writing its record (between atomicfile's
// temporary file and the rename) leaves "..ohotfix-image.lock.holder.NNN.tmp"
// in the image; the next holder removes it, and nothing else.
func TestNextHolderRemovesStrayRecordTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ImageLockName)
	strays := []string{"." + ImageLockName + recordSuffix + ".123456.tmp", "." + ImageLockName + recordSuffix + ".9.tmp"}
	keep := []string{"product.msi", "." + ImageLockName + recordSuffix + ".keep", ".other.holder.1.tmp"}
	for _, n := range append(append([]string{}, strays...), keep...) {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := AcquireFile(context.Background(), path, Options{Timeout: NoWait})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Release(); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	want := append([]string{ImageLockName}, keep...)
	sort.Strings(want)
	if len(got) != len(want) {
		t.Fatalf("folder holds %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("folder holds %q, want %q", got, want)
		}
	}
}
