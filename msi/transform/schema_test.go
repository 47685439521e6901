package transform

import (
	"testing"

	"github.com/ohotfix/ohotfix/msi"
)

// Diff/apply round trip with catalog changes: a new table with a binary
// column, an appended column on an existing table, a dropped table, and
// updated, inserted and deleted rows.
func TestDiffSchemaChanges(t *testing.T) {
	gen := corpus(t, "generated")
	upd := schemaChanged(t, gen+"/tiny.msi")
	defer upd.Close()
	diffApply(t, gen+"/tiny.msi", upd, DiffOptions{Validate: ValProduct, Errors: 0})
}

// schemaChanged opens path and changes it in memory: a new table with a
// binary column, a column appended to Property, a dropped table, and
// inserted, updated and deleted rows.
func schemaChanged(t *testing.T, path string) *msi.Database {
	upd, err := msi.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	nt, err := upd.CreateTable("Extra", []msi.Column{
		{Name: "K", Type: msi.StringType(72, false, true, false)},
		{Name: "N", Type: msi.IntType(2, false, true)},
		{Name: "V", Type: msi.IntType(4, true, false)},
		{Name: "Data", Type: msi.BinaryType(true, false)},
	})
	if err != nil {
		t.Fatal(err)
	}
	nt.Insert("one", 1, 100, []byte("first blob"))
	nt.Insert("two", 2, nil, nil)
	// Append a column to Property by re-creating it with the rows.
	if err := growTable(upd, "Property", append(mustSchema(t, upd, "Property"), msi.Column{Name: "Note", Type: msi.StringType(0, true, false, false)})); err != nil {
		t.Fatal(err)
	}
	pt, _ := upd.Table("Property")
	pt.Put("ADDED", "v", "with a note")
	pt.Delete("ProductLanguage")
	pt.Set([]any{"ProductVersion"}, "Value", "1.0.1")
	// Drop a table the base has.
	var dropped string
	for _, n := range upd.Tables() {
		if n == "Signature" || n == "AppSearch" || n == "Upgrade" {
			dropped = n
		}
	}
	if dropped == "" {
		dropped = "FeatureComponents"
	}
	if err := upd.DropTable(dropped); err != nil {
		t.Fatal(err)
	}
	return upd
}

func mustSchema(t *testing.T, db *msi.Database, table string) []msi.Column {
	cols, err := db.Schema(table)
	if err != nil {
		t.Fatal(err)
	}
	return cols
}
