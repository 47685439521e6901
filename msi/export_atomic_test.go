package msi

import (
	"os"
	"path/filepath"
	"testing"
)

// exportFixture is a small in-memory database with a binary cell and a
// free-standing stream.
func exportFixture(t *testing.T) *Database {
	t.Helper()
	db := New(Package)
	tb, err := db.CreateTable("Blobs", []Column{{"Name", StringType(72, false, true, false)}, {"Data", BinaryType(true, false)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tb.Insert("one", []byte("first blob")); err != nil {
		t.Fatal(err)
	}
	if err := db.WriteStream("Loose", []byte("loose stream")); err != nil {
		t.Fatal(err)
	}
	return db
}

// A table that fails to decode after others succeeded leaves no partial
// dump: nothing is written until every table has been decoded.
func TestExportNoPartialDumpOnBadTable(t *testing.T) {
	db := exportFixture(t)
	if err := db.Export(t.TempDir(), ExportOptions{Streams: true}); err != nil {
		t.Fatalf("good export: %v", err)
	}
	// A table listed in _Tables without columns: Table fails, as it would
	// for a corrupt database, after Blobs decoded fine.
	db.schemas["Zbroken"] = nil
	db.order = append(db.order, "Zbroken")
	dir := t.TempDir()
	if err := db.Export(dir, ExportOptions{Streams: true}); err == nil {
		t.Fatal("export of a database with an undecodable table succeeded")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("failed export left %v", names)
	}
}

// Stream files replace what is at their path (a symlink included) instead
// of writing through it, like the .idt files.
func TestExportStreamsAtomicNoSymlinkFollow(t *testing.T) {
	db := exportFixture(t)
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "_Streams", "Loose"), filepath.Join(dir, "Blobs", "Blobs.one")} {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(victim, p); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	if err := db.Export(dir, ExportOptions{Streams: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep me" {
		t.Errorf("export wrote through a symlink: victim = %q", b)
	}
	for p, want := range map[string]string{filepath.Join(dir, "_Streams", "Loose"): "loose stream", filepath.Join(dir, "Blobs", "Blobs.one"): "first blob"} {
		fi, err := os.Lstat(p)
		if err != nil || !fi.Mode().IsRegular() {
			t.Errorf("%s: %v, mode %v, want a regular file", p, err, fi.Mode())
			continue
		}
		if b, _ := os.ReadFile(p); string(b) != want {
			t.Errorf("%s = %q, want %q", p, b, want)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*", ".idt-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
