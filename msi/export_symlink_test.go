//go:build unix

package msi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 15: `msi dump --streams` must not write through a symbolic link it
// finds inside its output folder: not a linked table folder (Blobs/), not a
// linked _Streams/, pointing outside the folder or inside it, nor a linked
// file (which is replaced by the new file, the link's target untouched).
// A refusal writes nothing at all.
func TestExportRefusesSymlinkedFolders(t *testing.T) {
	db := exportFixture(t)
	for _, sub := range []string{"Blobs", "_Streams"} {
		for _, where := range []string{"outside", "inside"} {
			t.Run(sub+"→"+where, func(t *testing.T) {
				base := t.TempDir()
				dir := filepath.Join(base, "dump")
				outside := filepath.Join(base, "outside")
				for _, d := range []string{dir, outside, filepath.Join(dir, "real")} {
					if err := os.MkdirAll(d, 0o755); err != nil {
						t.Fatal(err)
					}
				}
				target := outside
				if where == "inside" {
					target = filepath.Join(dir, "real")
				}
				if err := os.Symlink(target, filepath.Join(dir, sub)); err != nil {
					t.Fatal(err)
				}
				err := db.Export(dir, ExportOptions{Streams: true})
				if err == nil || !strings.Contains(err.Error(), "symbolic link") {
					t.Fatalf("Export = %v, want a refusal naming the link", err)
				}
				for _, d := range []string{outside, filepath.Join(dir, "real")} {
					if ents, _ := os.ReadDir(d); len(ents) != 0 {
						t.Errorf("written through the link into %s: %v", d, ents)
					}
				}
				if ents, _ := os.ReadDir(dir); len(ents) != 2 {
					t.Errorf("a refused dump wrote files: %v", ents)
				}
			})
		}
	}
	t.Run("linked file", func(t *testing.T) {
		base := t.TempDir()
		dir := filepath.Join(base, "dump")
		os.MkdirAll(filepath.Join(dir, "Blobs"), 0o755)
		victim := filepath.Join(base, "victim")
		os.WriteFile(victim, []byte("keep"), 0o644)
		scratch := t.TempDir()
		if err := db.Export(scratch, ExportOptions{Streams: true}); err != nil {
			t.Fatal(err)
		}
		ents, _ := os.ReadDir(filepath.Join(scratch, "Blobs"))
		if len(ents) != 1 {
			t.Fatalf("Blobs/ holds %v", ents)
		}
		link := filepath.Join(dir, "Blobs", ents[0].Name())
		if err := os.Symlink(victim, link); err != nil {
			t.Fatal(err)
		}
		if err := db.Export(dir, ExportOptions{Streams: true}); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(victim); string(b) != "keep" {
			t.Errorf("the link's target was overwritten: %q", b)
		}
		fi, err := os.Lstat(link)
		if err != nil || !fi.Mode().IsRegular() {
			t.Errorf("the linked blob file is not the dumped file: %v %v", fi, err)
		}
		if b, _ := os.ReadFile(link); string(b) != "first blob" {
			t.Errorf("the blob file holds %q", b)
		}
	})
}
