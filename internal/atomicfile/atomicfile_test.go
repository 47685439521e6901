package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new"), Mode(p, 0o644)); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	if string(data) != "new" || fi.Mode().Perm() != 0o600 {
		t.Errorf("%q %v", data, fi.Mode())
	}
}

// A failing fill leaves the old file and no temporary file behind.
func TestWriteFailureLeavesOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o644)
	boom := errors.New("boom")
	err := Write(p, 0o644, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	data, _ := os.ReadFile(p)
	entries, _ := os.ReadDir(dir)
	if string(data) != "old" || len(entries) != 1 {
		t.Errorf("%q, %d entries", data, len(entries))
	}
}

// A symlink at path is replaced, never written through.
func TestWriteReplacesSymlink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("keep"), 0o644)
	p := filepath.Join(dir, "f")
	if err := os.Symlink(victim, p); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if err := WriteFile(p, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(victim); string(data) != "keep" {
		t.Errorf("victim overwritten: %q", data)
	}
}

// The unsynced form replaces the file the same way: whole, with the
// permissions asked for, through a temporary file that does not stay.
func TestWriteFileUnsyncedReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "holder.json")
	if err := os.WriteFile(p, []byte("a much longer old record"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileUnsynced(p, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	entries, _ := os.ReadDir(dir)
	if string(data) != "new" || fi.Mode().Perm() != 0o644 || len(entries) != 1 {
		t.Errorf("%q %v, %d entries", data, fi.Mode(), len(entries))
	}
	// A folder that does not exist: an error, nothing created.
	if err := WriteFileUnsynced(filepath.Join(dir, "missing", "f"), []byte("x"), 0o644); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}

// Leftovers finds a killed writer's temporary files (made with the same
// pattern Write uses) and nothing else beside path.
func TestLeftovers(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "holder.json")
	if err := WriteFile(p, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	left, err := os.CreateTemp(dir, tempPattern(p)) // what a killed Write leaves
	if err != nil {
		t.Fatal(err)
	}
	left.Close()
	for _, n := range []string{".holder.json.keep", ".other.json.1.tmp", ".holder.json..tmp"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, ".holder.json.d.tmp"), 0o755)
	got, err := Leftovers(p)
	if err != nil || len(got) != 1 || got[0] != left.Name() {
		t.Errorf("Leftovers = %q, %v; want [%s]", got, err, left.Name())
	}
}

// WriteIn replaces a file inside a root whole; a failing fill leaves the
// old file and no temporary file.
func TestWriteIn(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	write := func(s string) func(io.Writer) error {
		return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
	}
	if err := WriteIn(root, "sub/f", 0o644, true, write("old")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = WriteIn(root, "sub/f", 0o644, false, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	data, _ := os.ReadFile(filepath.Join(dir, "sub", "f"))
	entries, _ := os.ReadDir(filepath.Join(dir, "sub"))
	if !errors.Is(err, boom) || string(data) != "old" || len(entries) != 1 {
		t.Errorf("err %v, %q, %d entries", err, data, len(entries))
	}
	if err := WriteIn(root, "sub/f", 0o644, false, write("new")); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "sub", "f")); string(data) != "new" {
		t.Errorf("after a good write: %q", data)
	}
}
