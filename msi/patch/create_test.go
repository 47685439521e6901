package patch

import (
	"errors"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/transformtest"
	"github.com/ohotfix/ohotfix/msi"
)

const testPatchCode = "{0D1C2B3A-4958-4677-8695-A4B3C2D1E0F9}"

func createFixturePatch(t *testing.T) (*transformtest.Product, string, *Created) {
	t.Helper()
	prod := transformtest.BuildProduct(t)
	out := filepath.Join(t.TempDir(), "p.msp")
	res, err := Create(prod.V1, prod.V2, out, CreateOptions{PatchCode: testPatchCode, Classification: "Hotfix", Family: "Fixture", Sequence: "1.0.1",
		Obsoletes: []string{"{aaaabbbb-cccc-dddd-eeee-ffff00001111}"}})
	if err != nil {
		t.Fatal(err)
	}
	return prod, out, res
}

func TestCreateReadBack(t *testing.T) {
	prod, out, res := createFixturePatch(t)
	want := []string{"AppTxt", "ExtraTxt", "NewTxt"}
	got := slices.Clone(res.Delivered)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want %v", res.Delivered, want)
	}
	p, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if len(p.Obsoletes) != 1 || p.Obsoletes[0] != "{AAAABBBB-CCCC-DDDD-EEEE-FFFF00001111}" {
		t.Errorf("obsoletes %v", p.Obsoletes)
	}
	if p.PatchCode != testPatchCode || p.Metadata["Classification"] != "Hotfix" || len(p.Sequences) != 1 || p.Sequences[0].Family != "Fixture" || p.MinInstaller != 4 {
		t.Errorf("patch summary/tables: %+v", p)
	}
	pairs, err := p.Pairs()
	if err != nil || len(pairs) != 1 {
		t.Fatalf("pairs %v %v", pairs, err)
	}
	// The patch transform's base is the upgraded version (formats.md §2.8).
	if pairs[0].Transform.Info.BaseVersion != "1.0.0" || pairs[0].PatchTransform.Info.BaseVersion != "1.0.1" {
		t.Errorf("bases: T %s, #T %s", pairs[0].Transform.Info.BaseVersion, pairs[0].PatchTransform.Info.BaseVersion)
	}
	files, err := p.Files(nil)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{"AppTxt": "app.txt", "ExtraTxt": "extra.txt", "NewTxt": "new.txt"}
	cr, err := p.OpenCabinet("#" + res.Cabinet)
	if err != nil {
		t.Fatal(err)
	}
	defer cr.Close()
	for i, f := range files {
		if !f.Known || f.Name != names[f.Key] || f.Size != int64(len(prod.Files[f.Name])) {
			t.Errorf("file %+v", f)
			continue
		}
		rc, err := cr.Files[i].Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != string(prod.Files[f.Name]) {
			t.Errorf("%s: cabinet data differs from v2", f.Key)
		}
	}
	// Applied to v1's database, the patch gives v2's tables except the
	// media layout: Media gains the patch disk, delivered files move into
	// its sequence range.
	db, err := msi.Open(prod.V1)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	applied, err := p.Apply(db)
	if err != nil || len(applied.Pairs) != 1 {
		t.Fatalf("apply: %v %v", applied, err)
	}
	v2, err := msi.Open(prod.V2)
	if err != nil {
		t.Fatal(err)
	}
	defer v2.Close()
	diff := transformtest.Diff(transformtest.Snapshot(t, v2), transformtest.Snapshot(t, db))
	// What may differ: the patch's own sequence actions, properties and
	// PatchPackage row, the Media rows and the File rows' attributes and
	// sequences.
	allowed := []string{"AdminExecuteSequence: + PatchFiles\t", "InstallExecuteSequence: + PatchFiles\t",
		"File: ~ ", "Media: ", "PatchPackage: ", "Property: + PATCHNEW"}
	for _, d := range diff {
		if !slices.ContainsFunc(allowed, func(p string) bool { return strings.HasPrefix(d, p) }) {
			t.Errorf("patched v1 differs from v2 beyond the media layout: %s", d)
		}
		if was, now, ok := strings.Cut(strings.TrimPrefix(d, "File: ~ "), " -> "); ok && strings.HasPrefix(d, "File: ~ ") {
			a, b := strings.Split(was, "\t"), strings.Split(now, "\t")
			if len(a) != len(b) || len(a) < 2 || !slices.Equal(a[:len(a)-2], b[:len(b)-2]) {
				t.Errorf("File row changed beyond Attributes and Sequence: %s", d)
			}
		}
	}
	// Applying twice is refused by validation (the version moved on).
	db2, _ := msi.Open(prod.V1)
	defer db2.Close()
	if _, err := p.Apply(db2); err != nil {
		t.Fatal(err)
	}
	var na *NotApplicable
	if _, err := p.Apply(db2); !errors.As(err, &na) {
		t.Errorf("second apply: %v", err)
	}
}
