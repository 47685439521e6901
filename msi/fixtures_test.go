package msi

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

func TestTinyMSI(t *testing.T) {
	db, err := Open(filepath.Join(sharedDir(t, "generated"), "tiny.msi"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Container() != Package || len(db.Tables()) != 28 || db.Codepage() != 0 || db.Pool().LongRefs {
		t.Fatalf("container %v, %d tables, code page %d", db.Container(), len(db.Tables()), db.Codepage())
	}
	f, err := db.Table("File")
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int32{"AppTxt": 15, "ReadmeTxt": 12, "BigTxt": 43200}
	for k, want := range sizes {
		r, ok := f.Lookup(k)
		if !ok {
			t.Fatalf("File %s missing", k)
		}
		if n, _ := f.Get(r, "FileSize").Int(); n != want {
			t.Errorf("File %s size %d, want %d", k, n, want)
		}
	}
	m, _ := db.Table("Media")
	r, ok := m.Lookup(1)
	if !ok || fmtRow(r) != "int:1\tint:3\tnull:\tstring:#tiny.cab\tnull:\tnull:\t" {
		t.Errorf("Media row 1 = %s", fmtRow(r))
	}
	si, _ := db.Summary()
	if si.Template() != "Intel;1033" || si.PageCount() != 200 || !si.Compressed() || si.Platform() != "Intel" || si.Languages()[0] != 1033 {
		t.Errorf("summary %q %d %d", si.Template(), si.PageCount(), si.WordCount())
	}
	if cab, err := db.ReadStream("tiny.cab"); err != nil || !strings.HasPrefix(string(cab), "MSCF") {
		t.Errorf("tiny.cab stream: %v", err)
	}
	if _, err := db.Table("NoSuch"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing table: %v", err)
	}
}

func TestTransformContainer(t *testing.T) {
	db, err := Open(filepath.Join(sharedDir(t, "generated"), "fix.mst"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Container() != Transform || db.Codepage() != 1252 || db.Pool().Count() != 6 {
		t.Fatalf("container %v code page %d pool %d", db.Container(), db.Codepage(), db.Pool().Count())
	}
	if s, _ := db.Pool().String(2); s != "FIXTURE_PROP" {
		t.Errorf("pool id 2 = %q", s)
	}
	if got := strings.Join(db.TableStreams(), ","); got != "FeatureComponents,File,Property" {
		t.Errorf("table streams %s", got)
	}
	raw, _ := db.ReadTableStream("File")
	if len(raw) != 8 || raw[0] != 0x08 {
		t.Errorf("File transform record % x", raw)
	}
	si, _ := db.Summary()
	if uint32(si.CharCount()) != 0x0922001F || si.LastSavedBy() != "Intel;1033" {
		t.Errorf("transform summary %x %q", si.CharCount(), si.LastSavedBy())
	}
	// Rewriting a transform keeps its records and pool byte for byte.
	re := rewritten(t, db, "fix.mst")
	raw2, _ := re.ReadTableStream("File")
	if string(raw2) != string(raw) || re.Container() != Transform || re.Pool().Count() != 6 {
		t.Error("transform changed by a rewrite")
	}
}

func TestPatchContainers(t *testing.T) {
	db, err := Open(filepath.Join(sharedDir(t, "generated"), "hand.msp"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	si, _ := db.Summary()
	if db.Container() != Patch || strings.Join(db.Storages(), ",") != "#T1,T1" || strings.Join(si.PatchTransforms(), ",") != "T1,#T1" {
		t.Fatalf("container %v storages %v", db.Container(), db.Storages())
	}
	tr, err := db.OpenStorage("T1")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Container() != Transform || tr.Pool().Count() != 6 {
		t.Errorf("substorage T1: %v, %d strings", tr.Container(), tr.Pool().Count())
	}
	// The substorages survive a rewrite of the patch.
	re := rewritten(t, db, "hand.msp")
	tr2, err := re.OpenStorage("#T1")
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := tr2.ReadTableStream("Property"); len(b) != 6 {
		t.Errorf("#T1 Property record %d bytes after rewrite", len(b))
	}

	sql, err := Open(filepath.Join(sharedDir(t, "msi/lessmsi"), "SQL2008_AS.msp"))
	if err != nil {
		t.Fatal(err)
	}
	defer sql.Close()
	seq, err := sql.Table("MsiPatchSequence")
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := seq.Lookup("SQLREMOVE", nil); !ok || r[2].Str() != "1" {
		t.Errorf("MsiPatchSequence SQLREMOVE = %v", r)
	}
	ssi, _ := sql.Summary()
	if ssi.PatchTargets()[0] != "{4508D19D-07FE-4722-88C7-27152965756B}" || ssi.WordCount() != 3 {
		t.Errorf("SQL2008_AS summary %v", ssi.PatchTargets())
	}
}

// TestModifyCommit exercises the editing API and checks the result with
// msidump: insert, update, delete, create table, binary cells, streams,
// summary, commit over the original path.
func TestModifyCommit(t *testing.T) {
	src := filepath.Join(sharedDir(t, "generated"), "tiny.msi")
	path := filepath.Join(t.TempDir(), "edit.msi")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, b, 0o644)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	prop, _ := db.Table("Property")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(prop.Insert("NEWPROP", "new value"))
	if prop.Insert("NEWPROP", "again") == nil {
		t.Error("duplicate key accepted")
	}
	must(prop.Set([]any{"ProductVersion"}, "Value", "1.0.1"))
	if !prop.Delete("UpgradeCode") {
		t.Error("Delete UpgradeCode failed")
	}
	if prop.Insert("X", nil) == nil {
		t.Error("NULL accepted in non-nullable Property.Value")
	}
	tb, err := db.CreateTable("Blobs", []Column{{"Name", StringType(72, false, true, false)}, {"Data", BinaryType(true, false)}, {"Size", IntType(4, true, false)}})
	must(err)
	must(tb.Insert("one", []byte("first blob"), 10))
	must(tb.Insert("two", nil, nil))
	must(tb.Insert("three", []byte("gone soon"), 3))
	must(tb.Set([]any{"three"}, "Data", nil))
	if _, err := db.ReadStream("Blobs.three"); !errors.Is(err, ErrNotFound) {
		t.Errorf("stream of a binary cell set to NULL still there: %v", err)
	}
	must(tb.Set([]any{"three"}, "Data", []byte("back")))
	if b, _ := db.ReadStream("Blobs.three"); string(b) != "back" {
		t.Errorf("Blobs.three = %q", b)
	}
	if !tb.Delete("three") {
		t.Error("Delete three")
	}
	if _, err := db.ReadStream("Blobs.three"); !errors.Is(err, ErrNotFound) {
		t.Error("Delete left the binary stream")
	}
	must(tb.Insert("four", []byte("4"), 4))
	must(tb.Insert("five", []byte("5"), 5))
	if n := tb.DeleteWhere(func(r Row) bool { v, _ := r[2].Int(); return v == 4 || v == 5 }); n != 2 {
		t.Errorf("DeleteWhere removed %d rows, want 2", n)
	}
	if _, err := db.ReadStream("Blobs.five"); !errors.Is(err, ErrNotFound) {
		t.Error("DeleteWhere left a binary stream")
	}
	must(db.WriteStream("extra.bin", []byte("raw stream")))
	si, _ := db.Summary()
	si.SetString(PIDComments, "edited by the test")
	db.SetSummary(si)
	must(db.Commit())
	db.Close()

	dump := msidumpDir(t, path)
	read := func(n string) string { b, _ := os.ReadFile(filepath.Join(dump, n)); return canonIDT(b) }
	if p := read("Property.idt"); !strings.Contains(p, "NEWPROP\tnew value\r\n") || !strings.Contains(p, "ProductVersion\t1.0.1\r\n") || strings.Contains(p, "UpgradeCode") {
		t.Errorf("Property after commit:\n%s", p)
	}
	if bl := read("Blobs.idt"); bl != canonIDT([]byte("Name\tData\tSize\r\ns72\tV0\tI4\r\nBlobs\tName\r\none\tBlobs.one\t10\r\ntwo\t\t\r\n")) {
		t.Errorf("Blobs.idt:\n%q", bl)
	}
	if s := read("_SummaryInformation.idt"); !strings.Contains(s, "6\tedited by the test\r\n") {
		t.Errorf("summary:\n%s", s)
	}
	if got := run(t, "", "msiinfo", "extract", path, "Blobs.one"); got != "first blob" {
		t.Errorf("Blobs.one = %q", got)
	}
	if got := run(t, "", "msiinfo", "extract", path, "extra.bin"); got != "raw stream" {
		t.Errorf("extra.bin = %q", got)
	}
	// msiinfo reads the pool we rebuilt; our reader agrees on refcounts.
	re, err := Open(path)
	must(err)
	defer re.Close()
	counts := map[uint32]int{}
	for _, n := range append(re.Tables(), TablesTable, ColumnsTable) {
		var cols []Column
		var rows []Row
		switch n {
		case TablesTable:
			cols, rows = tablesSchema, mustRows(t, re, n, tablesSchema)
		case ColumnsTable:
			cols, rows = columnsSchema, mustRows(t, re, n, columnsSchema)
		default:
			tt, err := re.Table(n)
			must(err)
			cols, rows = tt.columns, tt.rows
		}
		for _, r := range rows {
			for c, col := range cols {
				if col.Type&TypeString != 0 && !col.Type.IsBinary() && r[c].kind == KindString {
					id, _ := re.Pool().ID(r[c].s)
					counts[id]++
				}
			}
		}
	}
	for id := 1; id < re.Pool().Count(); id++ {
		if int(re.Pool().RefCount(uint32(id))) != counts[uint32(id)] {
			s, _ := re.Pool().String(uint32(id))
			t.Errorf("id %d %q: refcount %d, used %d times", id, s, re.Pool().RefCount(uint32(id)), counts[uint32(id)])
		}
	}
}

func mustRows(t *testing.T, db *Database, name string, cols []Column) []Row {
	t.Helper()
	raw, err := db.readItem(db.meta[name], name)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := decodeRows(name, cols, raw, db.pool)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestEmptyDatabases: a new, empty package, patch or transform is written
// with the streams readers require (msiinfo opens the package and patch).
func TestEmptyDatabases(t *testing.T) {
	for _, kind := range []Container{Package, Patch, Transform} {
		out := filepath.Join(t.TempDir(), "empty")
		if err := New(kind).WriteFile(out); err != nil {
			t.Fatal(err)
		}
		db, err := Open(out)
		if err != nil {
			t.Fatalf("%v: %v", kind, err)
		}
		if db.Container() != kind || len(db.Tables()) != 0 || db.Pool() == nil {
			t.Errorf("%v: reopened as %v with %d tables", kind, db.Container(), len(db.Tables()))
		}
		db.Close()
		if kind != Transform {
			testtools.LookPath(t, "msiinfo")
			if got := run(t, "", "msiinfo", "tables", out); got != "_SummaryInformation\n_ForceCodepage\n" {
				t.Errorf("%v: msiinfo tables = %q", kind, got)
			}
		}
	}
}

// TestCommitTwice: after Commit the database is reopened from the new file
// and can be changed and committed again.
func TestCommitTwice(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(sharedDir(t, "generated"), "tiny.msi"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "twice.msi")
	os.WriteFile(path, b, 0o600)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i, v := range []string{"first", "second"} {
		p, err := db.Table("Property")
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Put("COMMIT", v); err != nil {
			t.Fatal(err)
		}
		if err := db.Commit(); err != nil {
			t.Fatalf("commit %d: %v", i, err)
		}
	}
	p, _ := db.Table("Property")
	if r, ok := p.Lookup("COMMIT"); !ok || r[1].Str() != "second" {
		t.Fatalf("after two commits: %v", r)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v not kept", fi.Mode())
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".*tmp")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestCommitCopiesUnchangedTables: a commit re-encodes only changed tables;
// when the pool outgrows 2-byte references every table is re-encoded, and
// unchanged tables still read back the same.
func TestCommitCopiesUnchangedTables(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 70,000 strings")
	}
	path := filepath.Join(t.TempDir(), "grow.msi")
	db := New(Package)
	a, _ := db.CreateTable("A", []Column{{"K", StringType(20, false, true, false)}, {"V", StringType(0, true, false, false)}})
	for i := 0; i < 50; i++ {
		a.Insert(fmt.Sprintf("key%d", i), fmt.Sprintf("value %d", i))
	}
	if err := db.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rawA, _ := db.ReadTableStream("A")
	b, _ := db.CreateTable("B", []Column{{"K", StringType(20, false, true, false)}})
	b.Insert("small")
	if err := db.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ReadTableStream("A"); !bytes.Equal(got, rawA) || db.Pool().LongRefs {
		t.Fatal("unchanged table A was re-encoded by a small commit")
	}
	b, _ = db.Table("B")
	for i := 0; i < 70000; i++ {
		b.Insert(fmt.Sprintf("s%06d", i))
	}
	if err := db.Commit(); err != nil {
		t.Fatal(err)
	}
	if !db.Pool().LongRefs {
		t.Fatal("pool of 70,000 strings without long references")
	}
	a, _ = db.Table("A")
	if r, ok := a.Lookup("key49"); !ok || r[1].Str() != "value 49" || a.Len() != 50 {
		t.Fatalf("table A after the width change: %v", r)
	}
	if got, _ := db.ReadTableStream("A"); len(got) != 50*6 {
		t.Errorf("table A stream %d bytes, want %d (3-byte refs)", len(got), 50*6)
	}
	testtools.LookPath(t, "msiinfo")
	if got := run(t, "", "msiinfo", "export", path, "A"); !strings.Contains(got, "key49\tvalue 49\r\n") {
		t.Errorf("msiinfo export A:\n%s", got)
	}
}

// rewritten writes db to a temp file called name and opens the copy (closed
// when the test ends).
func rewritten(t *testing.T, db *Database, name string) *Database {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	if err := db.WriteFile(out); err != nil {
		t.Fatal(err)
	}
	re, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { re.Close() })
	return re
}
