package msi

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestAddColumns(t *testing.T) {
	db := New(Package)
	tbl, err := db.CreateTable("Blobs", []Column{
		{Name: "Name", Type: StringType(72, false, true, false)},
		{Name: "Data", Type: BinaryType(true, false)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tbl.Insert("one", []byte("first blob")); err != nil {
		t.Fatal(err)
	}
	var ve *ValueError
	if err := tbl.AddColumns(Column{Name: "Size", Type: IntType(4, false, false)}); !errors.As(err, &ve) {
		t.Fatalf("non-nullable column added to a table with rows: %v", err)
	}
	if err := tbl.AddColumns(Column{Name: "Id", Type: IntType(2, false, true)}); err == nil {
		t.Fatal("key column added")
	}
	if err := tbl.AddColumns(Column{Name: "Data", Type: IntType(2, true, false)}); err == nil {
		t.Fatal("duplicate column added")
	}
	if len(tbl.Columns()) != 2 {
		t.Fatalf("refused additions changed the table: %v", tbl.Columns())
	}
	if err := tbl.AddColumns(Column{Name: "Size", Type: IntType(4, true, false)}, Column{Name: "Note", Type: StringType(0, true, false, false)}); err != nil {
		t.Fatal(err)
	}
	if err := tbl.Insert("two", nil, 10, "second"); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "grown.msi")
	if err := db.WriteFile(out); err != nil {
		t.Fatal(err)
	}
	re, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	rt, err := re.Table("Blobs")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rt.Columns()); n != 4 || rt.Len() != 2 {
		t.Fatalf("reopened: %d columns, %d rows", n, rt.Len())
	}
	one, ok := rt.Lookup("one")
	if !ok || !rt.Get(one, "Size").IsNull() || !rt.Get(one, "Note").IsNull() {
		t.Fatalf("row one after growing: %v", one)
	}
	if data, err := rt.Binary(one, "Data"); err != nil || string(data) != "first blob" {
		t.Errorf("binary cell after growing: %q, %v", data, err)
	}
	two, _ := rt.Lookup("two")
	if n, _ := rt.Get(two, "Size").Int(); n != 10 || rt.Get(two, "Note").Str() != "second" {
		t.Errorf("row two: %v", two)
	}
}
