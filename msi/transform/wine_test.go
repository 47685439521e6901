package transform

import (
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/internal/transformtest"
	"github.com/ohotfix/ohotfix/internal/winetest"
	"github.com/ohotfix/ohotfix/msi"
)

// Oracle: Wine's msi.dll (MsiDatabaseApplyTransformW through the msiapply
// helper) applies a transform; the result must equal our own Apply, table
// for table.
func TestWineApplyMatchesOurs(t *testing.T) {
	if testing.Short() {
		t.Skip("Wine oracle skipped in -short mode")
	}
	winetest.Require(t)
	gen := corpus(t, "generated")
	prod := transformtest.BuildProduct(t)
	// Our transform of the wixl pair, written to disk.
	base, err := msi.Open(prod.V1)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	upd, err := msi.Open(prod.V2)
	if err != nil {
		t.Fatal(err)
	}
	defer upd.Close()
	ours, err := Diff(base, upd, DiffOptions{Validate: DiffValidate, Errors: DiffErrors})
	if err != nil {
		t.Fatal(err)
	}
	oursPath := filepath.Join(t.TempDir(), "v1tov2.mst")
	if err := ours.WriteFile(oursPath); err != nil {
		t.Fatal(err)
	}
	schemaPath := filepath.Join(t.TempDir(), "schema.mst")
	base2, err := msi.Open(gen + "/tiny.msi")
	if err != nil {
		t.Fatal(err)
	}
	defer base2.Close()
	upd2 := schemaChanged(t, gen+"/tiny.msi")
	defer upd2.Close()
	schemaT, err := Diff(base2, upd2, DiffOptions{Validate: ValProduct})
	if err != nil {
		t.Fatal(err)
	}
	if err := schemaT.WriteFile(schemaPath); err != nil {
		t.Fatal(err)
	}
	p := winetest.NewPrefix(t)
	for _, c := range []struct{ name, db, mst string }{
		{"fix.mst", gen + "/tiny.msi", gen + "/fix.mst"},
		{"generated", prod.V1, oursPath},
		{"schema", gen + "/tiny.msi", schemaPath},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "wine.msi")
			code, msg := p.ApplyTransform(t, c.db, c.mst, out, 0)
			if code != 0 {
				t.Fatalf("Wine refused the transform: %d %s", code, msg)
			}
			wine, err := msi.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer wine.Close()
			mine, err := msi.Open(c.db)
			if err != nil {
				t.Fatal(err)
			}
			defer mine.Close()
			tr, err := Open(c.mst)
			if err != nil {
				t.Fatal(err)
			}
			defer tr.Close()
			if err := tr.Apply(mine, tr.Info.Errors); err != nil {
				t.Fatal(err)
			}
			if d := diffSnapshots(snapshot(t, wine), snapshot(t, mine)); len(d) > 0 {
				t.Errorf("Wine's result differs from ours:\n%s", join(d))
			}
		})
	}
}
