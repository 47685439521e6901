package patch

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// TransformInfos must say what Pairs says of the product transforms (Pairs
// reads the whole transforms; TransformInfos only their summaries).
func checkInfosMatchPairs(t *testing.T, p *Patch) []TransformInfo {
	t.Helper()
	infos, err := p.TransformInfos()
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := p.Pairs()
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != len(pairs) {
		t.Fatalf("%d infos, %d pairs", len(infos), len(pairs))
	}
	for i, in := range infos {
		if in.Name != pairs[i].Name || in.Info != pairs[i].Transform.Info {
			t.Errorf("info %d: %s %+v; pair %s %+v", i, in.Name, in.Info, pairs[i].Name, pairs[i].Transform.Info)
		}
		if strings.HasPrefix(in.Name, "#") {
			t.Errorf("info %d is the patch transform %s", i, in.Name)
		}
	}
	return infos
}

func TestTransformInfosOfCreatedPatch(t *testing.T) {
	prod, out, _ := createFixturePatch(t)
	p, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	infos := checkInfosMatchPairs(t, p)
	in := infos[0].Info
	if in.BaseVersion != "1.0.0" || in.NewVersion != "1.0.1" {
		t.Errorf("versions %s -> %s, want 1.0.0 -> 1.0.1", in.BaseVersion, in.NewVersion)
	}
	if in.Validate != transform.PatchValidate {
		t.Errorf("validate %v, want %v", in.Validate, transform.PatchValidate)
	}
	// What the planner does with it: the transform validates against v1 and
	// not against v2 (which is what applying it leaves).
	for _, c := range []struct {
		path string
		ok   bool
	}{{prod.V1, true}, {prod.V2, false}} {
		f := factsOfFile(t, c.path)
		if err := in.Check(f); (err == nil) != c.ok {
			t.Errorf("%s (version %s): Check = %v, want ok=%v", filepath.Base(c.path), f.ProductVersion, err, c.ok)
		}
	}

	// A transform named in LastSavedBy whose storage is missing is a
	// malformed patch (1636), not a patch with fewer transforms.
	p.TransformNames = append(p.TransformNames, "Gone", "#Gone")
	if _, err := p.TransformInfos(); !IsInvalid(err) || !strings.Contains(err.Error(), `"Gone"`) {
		t.Errorf("missing transform storage: %v, want an InvalidError naming it", err)
	}
}

func TestTransformInfosOfMicrosoftPatches(t *testing.T) {
	dir := corpus(t, "msi/lessmsi")
	for _, c := range realPatches {
		t.Run(c.file, func(t *testing.T) {
			p, err := Open(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			infos := checkInfosMatchPairs(t, p)
			// The layout (checked against 7-Zip and msiinfo) names the
			// product transform and its base on its first line.
			first := strings.SplitN(strings.TrimPrefix(c.layout, "\n"), "\n", 2)[0]
			in := infos[0].Info
			if want := infos[0].Name + ": base " + in.BaseProductCode + " " + in.BaseVersion + " "; !strings.HasPrefix(first, want) {
				t.Errorf("info %q %s %s; layout says %q", infos[0].Name, in.BaseProductCode, in.BaseVersion, first)
			}
			if in.BaseProductCode != c.target {
				t.Errorf("base product %s, the patch targets %s", in.BaseProductCode, c.target)
			}
		})
	}
}

func factsOfFile(t *testing.T, path string) transform.Facts {
	t.Helper()
	db, err := msi.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := transform.FactsOf(db)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
