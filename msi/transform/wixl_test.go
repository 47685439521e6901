package transform

import (
	"testing"

	"github.com/ohotfix/ohotfix/internal/transformtest"
	"github.com/ohotfix/ohotfix/msi"
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
	ops := opsPerTable(t, diffApply(t, p.V1, upd, DiffOptions{Validate: DiffValidate, Errors: DiffErrors}))
	// Two new files, two new rows in Component/FeatureComponents at least
	// one; the app.txt row and ProductVersion change.
	if ops["File"][OpInsert] != 2 || ops["File"][OpUpdate] < 1 || ops["Component"][OpInsert] != 1 || ops["FeatureComponents"][OpInsert] != 1 || ops["Property"][OpUpdate] < 1 {
		t.Errorf("records per table: %v", ops)
	}
}
