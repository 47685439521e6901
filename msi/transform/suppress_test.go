package transform

import (
	"errors"
	"testing"

	"github.com/ohotfix/ohotfix/msi"
)

// Each error condition fails without its suppression flag and is handled
// as documented with it.
func TestSuppressionFlags(t *testing.T) {
	gen := corpus(t, "generated")
	prop := StandardSchema("Property")
	tables, columns := msi.TablesSchema(), msi.ColumnsSchema()
	row := func(vals ...msi.Value) msi.Row { return msi.Row(vals) }
	cases := []struct {
		name    string
		cond    ErrorFlags
		changes []TableChange
		check   func(t *testing.T, db *msi.Database)
	}{
		{"update missing row", ErrUpdateMissingRow,
			[]TableChange{{Name: "Property", Columns: prop, Records: []Record{{Op: OpUpdate, Mask: 2, Present: 3, Values: row(msi.Str("NOPE"), msi.Str("x"))}}}},
			func(t *testing.T, db *msi.Database) {
				pt, _ := db.Table("Property")
				if _, ok := pt.Lookup("NOPE"); ok {
					t.Error("a skipped update inserted the row")
				}
			}},
		{"add existing row", ErrAddExistingRow,
			[]TableChange{{Name: "Property", Columns: prop, Records: []Record{{Op: OpInsert, Mask: 0x0201, Present: 3, Values: row(msi.Str("ProductVersion"), msi.Str("9.9.9"))}}}},
			func(t *testing.T, db *msi.Database) {
				pt, _ := db.Table("Property")
				if r, _ := pt.Lookup("ProductVersion"); r[1].Str() != "9.9.9" {
					t.Errorf("existing row not replaced: %v", r)
				}
			}},
		{"delete missing row", ErrDelMissingRow,
			[]TableChange{{Name: "Property", Columns: prop, Records: []Record{{Op: OpDelete, Present: 1, Values: row(msi.Str("NOPE"), msi.Null)}}}},
			nil},
		{"drop missing table", ErrDelMissingTable,
			[]TableChange{{Name: msi.TablesTable, Columns: tables, Records: []Record{{Op: OpDelete, Present: 1, Values: row(msi.Str("NoSuchTable"))}}}},
			nil},
		{"create existing table", ErrAddExistingTable,
			[]TableChange{
				{Name: msi.TablesTable, Columns: tables, Records: []Record{{Op: OpInsert, Mask: 0x0101, Present: 1, Values: row(msi.Str("Property"))}}},
				{Name: msi.ColumnsTable, Columns: columns, Records: []Record{
					{Op: OpInsert, Mask: 0x0401, Present: 15, Values: row(msi.Str("Property"), msi.Null, msi.Str("Property"), msi.Int(int32(int16(prop[0].Type))))},
					{Op: OpInsert, Mask: 0x0401, Present: 15, Values: row(msi.Str("Property"), msi.Null, msi.Str("Value"), msi.Int(int32(int16(prop[1].Type))))},
				}},
			},
			func(t *testing.T, db *msi.Database) {
				pt, _ := db.Table("Property")
				if _, ok := pt.Lookup("ProductCode"); !ok || len(pt.Columns()) != 2 {
					t.Error("an existing table was replaced")
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := Build(Info{}, 0, c.changes, nil)
			if err != nil {
				t.Fatal(err)
			}
			db, err := msi.Open(gen + "/tiny.msi")
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var ae *ApplyError
			if err := tr.Apply(db, ErrAll&^c.cond); !errors.As(err, &ae) || ae.Cond != c.cond {
				t.Fatalf("without the flag: %v", err)
			}
			db2, _ := msi.Open(gen + "/tiny.msi")
			defer db2.Close()
			if err := tr.Apply(db2, c.cond); err != nil {
				t.Fatalf("with the flag: %v", err)
			}
			if c.check != nil {
				c.check(t, db2)
			}
		})
	}
	// Code pages: a 1251 transform on a 1252 database.
	tr, err := Build(Info{}, 1251, []TableChange{{Name: "Property", Columns: prop, Records: []Record{{Op: OpInsert, Mask: 0x0201, Present: 3, Values: row(msi.Str("CP"), msi.Str("x"))}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	db, _ := msi.Open(gen + "/tiny.msi")
	defer db.Close()
	if err := db.SetCodepage(1252); err != nil {
		t.Fatal(err)
	}
	var ae *ApplyError
	if err := tr.Apply(db, 0); !errors.As(err, &ae) || ae.Cond != ErrChangeCodepage {
		t.Errorf("code page change without the flag: %v", err)
	}
	if err := tr.Apply(db, ErrChangeCodepage); err != nil || db.Codepage() != 1251 {
		t.Errorf("code page change with the flag: %v, code page %d", err, db.Codepage())
	}
}
