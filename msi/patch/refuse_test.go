package patch

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/transformtest"
)

func TestCreateRefuses(t *testing.T) {
	prod := transformtest.BuildProduct(t)
	tiny := filepath.Join(corpus(t, "generated"), "tiny.msi")
	out := filepath.Join(t.TempDir(), "p.msp")
	cases := []struct {
		name, target, upgraded string
		want                   []string
	}{
		{"other product", tiny, prod.V2, []string{"ProductCode changes", "major upgrade"}},
		{"downgrade", prod.V2, prod.V1, []string{"ProductVersion goes down", "Component [CompNew] is removed", "File [NewTxt] is removed", "FeatureComponents [Main CompNew] is removed"}},
		{"nothing changed", prod.V1, prod.V1, []string{"nothing to deliver"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Create(c.target, c.upgraded, out, CreateOptions{})
			var ref *Refused
			if !errors.As(err, &ref) {
				t.Fatalf("got %v, want a refusal", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("refusal lacks %q:\n%v", w, err)
				}
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a refused patch was written")
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing.msp")); err == nil || IsInvalid(err) {
		t.Errorf("missing file: %v (want an I/O error, not 1636)", err)
	}
	garbage := filepath.Join(dir, "garbage.msp")
	writeFile(t, garbage, []byte(strings.Repeat("not a compound file ", 100)))
	if _, err := Open(garbage); !IsInvalid(err) {
		t.Errorf("garbage: %v (want InvalidError)", err)
	}
	if _, err := Open(filepath.Join(corpus(t, "generated"), "tiny.msi")); !IsInvalid(err) || !strings.Contains(err.Error(), "not of a patch") {
		t.Errorf("an .msi as a patch: %v", err)
	}
	if _, err := Open(filepath.Join(corpus(t, "generated"), "fix.mst")); !IsInvalid(err) {
		t.Errorf("an .mst as a patch: %v", err)
	}
	// hand.msp opens, but has no cabinet and no Media rows.
	p, err := Open(filepath.Join(corpus(t, "generated"), "hand.msp"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.OpenCabinet("#NOPE"); !IsInvalid(err) {
		t.Errorf("missing cabinet stream: %v", err)
	}
	if m, err := p.Media(nil); err != nil || len(m) != 0 {
		t.Errorf("hand.msp media %v %v", m, err)
	}
}
