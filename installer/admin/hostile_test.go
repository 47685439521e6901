package admin

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi"
)

// layoutDB builds an in-memory package with the given Directory rows
// ({key, parent, DefaultDir}) and one file per {key, dir, FileName}.
func layoutDB(t *testing.T, dirs [][3]string, files [][3]string) *msi.Database {
	t.Helper()
	db := msi.New(msi.Package)
	s := func(n int, null, key bool) msi.ColumnType { return msi.StringType(n, null, key, false) }
	dt, err := db.CreateTable("Directory", []msi.Column{{Name: "Directory", Type: s(72, false, true)}, {Name: "Directory_Parent", Type: s(72, true, false)}, {Name: "DefaultDir", Type: s(255, false, false)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		var parent any
		if d[1] != "" {
			parent = d[1]
		}
		if err := dt.Insert(d[0], parent, d[2]); err != nil {
			t.Fatal(err)
		}
	}
	ct, err := db.CreateTable("Component", []msi.Column{{Name: "Component", Type: s(72, false, true)}, {Name: "Directory_", Type: s(72, false, false)}})
	if err != nil {
		t.Fatal(err)
	}
	ft, err := db.CreateTable("File", []msi.Column{{Name: "File", Type: s(72, false, true)}, {Name: "Component_", Type: s(72, false, false)},
		{Name: "FileName", Type: s(255, false, false)}, {Name: "FileSize", Type: msi.IntType(4, false, false)},
		{Name: "Attributes", Type: msi.IntType(2, true, false)}, {Name: "Sequence", Type: msi.IntType(4, false, false)}})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		if err := ct.Put("C"+f[0], f[1]); err != nil {
			t.Fatal(err)
		}
		if err := ft.Insert(f[0], "C"+f[0], f[2], 1, nil, i+1); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestLayoutRules(t *testing.T) {
	db := layoutDB(t, [][3]string{
		{"TARGETDIR", "", "SourceDir"},
		{"PF", "TARGETDIR", "PFiles"},
		{"APP", "PF", "APPDIR~1|Application Dir:SRC|Source Dir"},
		{"DOT", "APP", "."},
		{"SELFROOT", "SELFROOT", "ignored"},
	}, [][3]string{
		{"F1", "APP", "FILE~1.TXT|file one.txt"},
		{"F2", "DOT", "two.txt"},
		{"F3", "SELFROOT", "root.txt"},
	})
	for _, c := range []struct {
		short bool
		want  map[string]string
	}{
		{false, map[string]string{"F1": "PFiles/Source Dir/file one.txt", "F2": "PFiles/Source Dir/two.txt", "F3": "root.txt"}},
		{true, map[string]string{"F1": "PFiles/SRC/FILE~1.TXT", "F2": "PFiles/SRC/two.txt", "F3": "root.txt"}},
	} {
		l, err := buildLayout(db, c.short)
		if err != nil {
			t.Fatal(err)
		}
		for key, want := range c.want {
			i, ok := l.ByKey[key]
			if !ok {
				t.Errorf("short=%v: %s has no place in the layout", c.short, key)
				continue
			}
			if got := l.Files[i].RelPath; got != want {
				t.Errorf("short=%v %s: %q, want %q", c.short, key, got, want)
			}
		}
	}
}

func TestLayoutRejectsHostileTables(t *testing.T) {
	cases := map[string]struct {
		dirs  [][3]string
		files [][3]string
	}{
		"parent loop":       {[][3]string{{"A", "B", "a"}, {"B", "A", "b"}}, [][3]string{{"F", "A", "f"}}},
		"dot-dot directory": {[][3]string{{"R", "", "SourceDir"}, {"A", "R", "x:.."}}, [][3]string{{"F", "A", "f"}}},
		"slash in a name":   {[][3]string{{"R", "", "SourceDir"}, {"A", "R", "a/../../etc"}}, [][3]string{{"F", "A", "f"}}},
		"backslash file":    {[][3]string{{"R", "", "SourceDir"}}, [][3]string{{"F", "R", `..\evil.dll`}}},
		"missing directory": {[][3]string{{"R", "", "SourceDir"}}, [][3]string{{"F", "NOPE", "f"}}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := buildLayout(layoutDB(t, c.dirs, c.files), false)
			var le *LayoutError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LayoutError", err)
			}
		})
	}
}

// A journal that was tampered with or damaged is not acted upon: recovery
// fails with 1603 and leaves everything where it is.
func TestRecoverRefusesBadJournals(t *testing.T) {
	for name, body := range map[string]string{
		"garbage":       "{not json",
		"bad checksum":  `{"magic":"ohotfix-admin-journal","version":1,"image":"x.msi","files":[],"sum":"00"}`,
		"unknown magic": `{"magic":"other","version":1,"files":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, map[string]string{"a.txt": "A", ".ohotfix-txn/journal.json": body})
			err := Recover(dir)
			if exitcode.Of(err) != exitcode.Fatal {
				t.Fatalf("err = %v, want 1603", err)
			}
			if _, err := os.Stat(filepath.Join(dir, ".ohotfix-txn", "journal.json")); err != nil {
				t.Fatalf("the journal was removed: %v", err)
			}
		})
	}
	t.Run("path outside the image", func(t *testing.T) {
		dir := t.TempDir()
		j := &journal{Files: []journalEntry{{Target: "../outside.txt", Staged: "new/00/000001", Backup: "old/00/000001", Existed: true}}}
		b, err := j.encode()
		if err != nil {
			t.Fatal(err)
		}
		writeTree(t, dir, map[string]string{".ohotfix-txn/journal.json": string(b)})
		err = Recover(dir)
		if exitcode.Of(err) != exitcode.Fatal || !strings.Contains(err.Error(), "leaves the image") {
			t.Fatalf("err = %v, want 1603 naming the bad path", err)
		}
	})
	t.Run("staging without journal", func(t *testing.T) {
		dir := t.TempDir()
		writeTree(t, dir, map[string]string{"a.txt": "A", ".ohotfix-txn/new/00/000001": "half"})
		if err := Recover(dir); err != nil {
			t.Fatal(err)
		}
		if d := diffTrees(map[string]string{"a.txt": "A"}, treeSnapshot(t, dir)); d != "" {
			t.Fatalf("leftovers not removed:\n%s", d)
		}
	})
}
