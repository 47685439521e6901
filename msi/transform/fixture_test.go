package transform

import (
	"errors"
	"testing"

	"github.com/ohotfix/ohotfix/msi"
)

// fix.mst (generated/README.md): File AppTxt FileSize 15 -> 999, insert
// Property FIXTURE_PROP=hello, delete FeatureComponents (Docs, CompDocs).
func TestFixMstOnTiny(t *testing.T) {
	gen := corpus(t, "generated")
	tr, err := Open(gen + "/fix.mst")
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	in := tr.Info
	if in.Validate != PatchValidate || in.Errors != 0x1F || in.WineOrder {
		t.Errorf("flags: validate %v errors %v wine %v", in.Validate, in.Errors, in.WineOrder)
	}
	if in.BaseProductCode != "{12345678-1234-1234-1234-123456789ABC}" || in.BaseVersion != "1.0.0" || in.NewVersion != "1.0.1" || in.UpgradeCode != "{ABCDEF01-2345-6789-ABCD-EF0123456789}" {
		t.Errorf("info %+v", in)
	}
	if in.BasePlatform != "Intel" || in.BaseLanguage != "1033" {
		t.Errorf("platform/lang %q %q", in.BasePlatform, in.BaseLanguage)
	}
	db, err := msi.Open(gen + "/tiny.msi")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before := snapshot(t, db)
	if err := tr.Apply(db, tr.Info.Errors); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, db)
	diff := diffSnapshots(before, after)
	want := []string{
		"FeatureComponents: - Docs\tCompDocs",
		"File: ~ AppTxt\tCompApp\tapp.txt\t15\t\t\t512\t1 -> AppTxt\tCompApp\tapp.txt\t999\t\t\t512\t1",
		"Property: + FIXTURE_PROP\thello",
	}
	if len(diff) != len(want) {
		t.Fatalf("changes:\n%s\nwant:\n%s", join(diff), join(want))
	}
	for i := range want {
		if diff[i] != want[i] {
			t.Errorf("change %d:\n got %s\nwant %s", i, diff[i], want[i])
		}
	}
	// Applying again: the insert now meets an existing row, the delete a
	// missing one. With no suppression that is an error naming the flag.
	err = tr.Apply(db, 0)
	var ae *ApplyError
	if !errors.As(err, &ae) || (ae.Cond != ErrAddExistingRow && ae.Cond != ErrDelMissingRow) {
		t.Fatalf("re-apply without suppression: %v", err)
	}
	if err := tr.Apply(db, ErrAll); err != nil {
		t.Fatalf("re-apply with suppression: %v", err)
	}
}
