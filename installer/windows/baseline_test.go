package windows

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// withProperties adds a Property table to a package written by writePackage.
func withProperties(t *testing.T, path string, props map[string]string) string {
	t.Helper()
	db, err := msi.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := func(n int, key bool) msi.ColumnType { return msi.StringType(n, false, key, false) }
	pt, err := db.CreateTable("Property", []msi.Column{{Name: "Property", Type: s(72, true)}, {Name: "Value", Type: s(0, false)}})
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range props {
		if err := pt.Insert(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Commit(); err != nil {
		t.Fatal(err)
	}
	return path
}

// The baseline a patch is validated against is the installed product as
// Windows Installer sees it: the cached package's upgrade code, language
// and platform with the installed product code and version (applied
// patches moved it past the package's own ProductVersion). A cached package
// that cannot be read gives no baseline, and the planner then does not
// validate.
func TestInventoryBaselineOfInstalledProduct(t *testing.T) {
	const upgrade = "{99999999-0000-0000-0000-000000000009}"
	f := newFake()
	pkg := withProperties(t, writePackage(t, []string{"Main"}, nil), map[string]string{
		"ProductCode": prodA, "ProductVersion": "1.0.0", "UpgradeCode": upgrade, "ProductLanguage": "1033"})
	f.products = []Product{{Code: strings.ToLower(prodA), Context: contextMachine}, {Code: prodB, Context: contextMachine}}
	f.info[strings.ToLower(prodA)+"/machine"] = map[string]string{"ProductName": "Contoso A", "VersionString": "2.0.0", "LocalPackage": pkg}
	f.info[prodB+"/machine"] = map[string]string{"ProductName": "Contoso B", "VersionString": "1.0", "LocalPackage": filepath.Join(t.TempDir(), "missing.msi")}
	inv, err := NewWithAPI(f, Options{}).Inventory(context.Background(), []installer.PatchInfo{{File: "p.msp", Targets: []string{prodA, prodB}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Targets) != 2 {
		t.Fatalf("targets %+v", inv.Targets)
	}
	a, b := inv.Targets[0], inv.Targets[1]
	si, err := msi.Open(pkg)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := si.Summary()
	si.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := transform.Facts{ProductCode: a.Code, ProductVersion: "2.0.0", UpgradeCode: upgrade, Language: "1033", Platform: sum.Platform()}
	if a.Baseline == nil || *a.Baseline != want {
		t.Errorf("A baseline %+v, want %+v", a.Baseline, want)
	}
	if b.Baseline != nil {
		t.Errorf("B (cached package missing) baseline %+v, want none", b.Baseline)
	}
	// Without the installed version (MsiGetProductInfoExW gave none) there
	// is nothing to validate against: no baseline, msi.dll decides.
	f.info[strings.ToLower(prodA)+"/machine"]["VersionString"] = ""
	inv, err = NewWithAPI(f, Options{}).Inventory(context.Background(), []installer.PatchInfo{{File: "p.msp", Targets: []string{prodA}}})
	if err != nil || len(inv.Targets) != 1 {
		t.Fatalf("inventory: %v %+v", err, inv)
	}
	if inv.Targets[0].Baseline != nil {
		t.Errorf("A without VersionString: baseline %+v, want none", inv.Targets[0].Baseline)
	}
}
