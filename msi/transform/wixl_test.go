package transform

import (
	"testing"

	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform/transformtest"
)

// Our diff of two wixl-built databases, applied back to the first,
// reproduces the second table for table (diffApply checks).
func TestDiffWixlProducts(t *testing.T) {
	p := transformtest.BuildProduct(t)
	upd, err := msi.Open(p.V2)
	if err != nil {
		t.Fatal(err)
	}
	defer upd.Close()
	out := diffApply(t, p.V1, upd, DiffOptions{Validate: DiffValidate, Errors: DiffErrors})
	tr, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	ch, err := tr.Changes(nil)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]map[Op]int{}
	for _, c := range ch {
		for _, r := range c.Records {
			if ops[c.Name] == nil {
				ops[c.Name] = map[Op]int{}
			}
			ops[c.Name][r.Op]++
		}
	}
	// Two new files, two new rows in Component/FeatureComponents at least
	// one; the app.txt row and ProductVersion change.
	if ops["File"][OpInsert] != 2 || ops["File"][OpUpdate] < 1 || ops["Component"][OpInsert] != 1 || ops["FeatureComponents"][OpInsert] != 1 || ops["Property"][OpUpdate] < 1 {
		t.Errorf("records per table: %v", ops)
	}
	if tr.Info.BaseVersion != "1.0.0" || tr.Info.NewVersion != "1.0.1" {
		t.Errorf("versions %s -> %s", tr.Info.BaseVersion, tr.Info.NewVersion)
	}
}
