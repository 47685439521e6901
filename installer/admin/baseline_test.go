package admin

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/msi/patch"
)

// Inventory reports the image as the engine validates patches against it:
// the patch's transform validates before the patch is applied, and no
// longer afterwards (the image is then at the upgraded version).
func TestInventoryBaselineIsWhatTheEngineValidates(t *testing.T) {
	_, fx, img := v1Image(t)
	imgMsi := filepath.Join(img, "product.msi")
	p, err := patch.Open(fx.Patch)
	if err != nil {
		t.Fatal(err)
	}
	infos, err := p.TransformInfos()
	p.Close()
	if err != nil || len(infos) != 1 {
		t.Fatalf("transform infos %v %v", infos, err)
	}
	tr := infos[0].Info

	inventory := func() (version string, check error) {
		t.Helper()
		inv, err := NewBackend(BackendOptions{ImagePath: imgMsi, ReadOnly: true}).Inventory(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		ib, tb := inv.Image.Product.Baseline, inv.Targets[0].Baseline
		if ib == nil || tb == nil || *ib != *tb {
			t.Fatalf("image baseline %+v, target baseline %+v: want the same facts", ib, tb)
		}
		if ib.ProductCode != inv.Targets[0].Code || ib.ProductVersion != inv.Targets[0].Version || ib.UpgradeCode == "" {
			t.Errorf("baseline %+v for product %s %s", ib, inv.Targets[0].Code, inv.Targets[0].Version)
		}
		return ib.ProductVersion, tr.Check(*ib)
	}
	if v, err := inventory(); v != "1.0.0" || err != nil {
		t.Fatalf("v1 image: version %s, transform check %v; want 1.0.0 and valid", v, err)
	}
	if _, err := ApplyPatch(context.Background(), imgMsi, fx.Patch, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	if v, err := inventory(); v != "1.0.1" || err == nil {
		t.Fatalf("patched image: version %s, transform check %v; want 1.0.1 and not valid", v, err)
	}
}
