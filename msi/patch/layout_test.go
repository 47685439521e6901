package patch

import (
	"io"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ohotfix/ohotfix/internal/transformtest"
	"github.com/ohotfix/ohotfix/internal/winetest"
)

// Patches made from packages whose files are in an external cabinet or an
// uncompressed source tree deliver the same files with v2's bytes.
func TestCreateFromOtherLayouts(t *testing.T) {
	for _, c := range []struct {
		name   string
		layout transformtest.Layout
	}{{"external cabinet", transformtest.External}, {"source tree", transformtest.SourceTree}} {
		t.Run(c.name, func(t *testing.T) {
			prod := transformtest.BuildProductLayout(t, c.layout)
			out := filepath.Join(t.TempDir(), "p.msp")
			res, err := Create(prod.V1, prod.V2, out, CreateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			got := slices.Sorted(slices.Values(res.Delivered))
			if !slices.Equal(got, []string{"AppTxt", "ExtraTxt", "NewTxt"}) {
				t.Fatalf("delivered %v", got)
			}
			checkCabinet(t, out, prod)
		})
	}
}

// checkCabinet compares every member of the patch cabinet with v2's file.
func checkCabinet(t *testing.T, msp string, prod *transformtest.Product) {
	t.Helper()
	p, err := Open(msp)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	files, err := p.Files(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		cr, err := p.OpenCabinet(f.Cabinet)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range cr.Files {
			if m.Name != f.Key {
				continue
			}
			rc, err := m.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if string(b) != string(prod.Files[f.Name]) {
				t.Errorf("%s (%s): cabinet data differs from v2", f.Key, f.Name)
			}
		}
		cr.Close()
	}
}

// Oracle for the source-tree layout: Wine installs v1 from the tree we laid
// out (which proves the layout), then applies the patch made from it.
func TestWineSourceTreePatch(t *testing.T) {
	if testing.Short() {
		t.Skip("Wine oracle skipped in -short mode")
	}
	winetest.Require(t)
	prod := transformtest.BuildProductLayout(t, transformtest.SourceTree)
	msp := filepath.Join(t.TempDir(), "p.msp")
	if _, err := Create(prod.V1, prod.V2, msp, CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	wineInstallAndPatch(t, prod, msp)
}
