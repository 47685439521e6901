package windows

import (
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/msi"
)

// customActionRow is one CustomAction row and where (if anywhere) it is
// scheduled.
type customActionRow struct {
	name     string
	typ      int
	table    string
	sequence int
	cond     any // string or nil
}

// writePackage builds a small installation package with the given features
// and custom actions, as a product's cached package would be.
func writePackage(t testing.TB, features []string, actions []customActionRow) string {
	t.Helper()
	db := msi.New(msi.Package)
	s := func(n int, nullable, key bool) msi.ColumnType { return msi.StringType(n, nullable, key, false) }
	ft, err := db.CreateTable("Feature", []msi.Column{{Name: "Feature", Type: s(38, false, true)},
		{Name: "Feature_Parent", Type: s(38, true, false)}, {Name: "Title", Type: s(64, true, false)},
		{Name: "Level", Type: msi.IntType(2, false, false)}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range features {
		if err := ft.Insert(f, nil, f, 1); err != nil {
			t.Fatal(err)
		}
	}
	if actions != nil {
		ca, err := db.CreateTable("CustomAction", []msi.Column{{Name: "Action", Type: s(72, false, true)},
			{Name: "Type", Type: msi.IntType(2, false, false)}, {Name: "Source", Type: s(72, true, false)},
			{Name: "Target", Type: s(255, true, false)}})
		if err != nil {
			t.Fatal(err)
		}
		seqs := map[string]*msi.Table{}
		for _, a := range actions {
			if err := ca.Insert(a.name, a.typ, "child.msi", "ACTION=INSTALL"); err != nil {
				t.Fatal(err)
			}
			if a.table == "" {
				continue
			}
			st, ok := seqs[a.table]
			if !ok {
				st, err = db.CreateTable(a.table, []msi.Column{{Name: "Action", Type: s(72, false, true)},
					{Name: "Condition", Type: s(255, true, false)}, {Name: "Sequence", Type: msi.IntType(2, true, false)}})
				if err != nil {
					t.Fatal(err)
				}
				seqs[a.table] = st
			}
			if err := st.Insert(a.name, a.cond, a.sequence); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "cached.msi")
	if err := db.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	return path
}
