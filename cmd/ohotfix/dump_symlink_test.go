//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi"
)

// Issue 15: `msi dump --streams` with a symbolic link to a folder outside
// already in its output folder (where a table's binary cells or _Streams go)
// fails with 1603 and writes nothing, through the link or beside it.
func TestMsiDumpStreamsRefusesSymlinkedFolder(t *testing.T) {
	base := t.TempDir()
	db := msi.New(msi.Package)
	tb, err := db.CreateTable("Blobs", []msi.Column{{Name: "Name", Type: msi.StringType(72, false, true, false)}, {Name: "Data", Type: msi.BinaryType(true, false)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Insert("one", []byte("first blob")); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteStream("Loose", []byte("loose stream")); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(base, "t.msi")
	if err := db.WriteFile(dbPath); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"Blobs", "_Streams"} {
		out := filepath.Join(base, "out-"+sub)
		outside := filepath.Join(base, "outside-"+sub)
		os.MkdirAll(out, 0o755)
		os.MkdirAll(outside, 0o755)
		if err := os.Symlink(outside, filepath.Join(out, sub)); err != nil {
			t.Fatal(err)
		}
		_, e, st := runMsi(t, "dump", dbPath, "-d", out, "--streams")
		if st != exitcode.Fatal.Status() || !strings.Contains(e, "symbolic link") {
			t.Errorf("%s linked: status %d, want %d; stderr %s", sub, st, exitcode.Fatal.Status(), e)
		}
		if ents, _ := os.ReadDir(outside); len(ents) != 0 {
			t.Errorf("%s linked: written outside the output folder: %v", sub, ents)
		}
		if ents, _ := os.ReadDir(out); len(ents) != 1 {
			t.Errorf("%s linked: the refused dump wrote %v", sub, ents)
		}
	}
}
