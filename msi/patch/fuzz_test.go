package patch

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/msi"
)

// FuzzPatch: any input either opens as a patch whose parts can all be
// walked, or fails with an InvalidError (1636 class); never a panic.
func FuzzPatch(f *testing.F) {
	for _, p := range []string{"generated/hand.msp", "msi/lessmsi/SQL2008_AS.msp", "msi/lessmsi/WPF2_32.msp"} {
		if b, err := os.ReadFile(filepath.Join(corpusRoot(f), p)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("not a patch"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := OpenReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if !IsInvalid(err) {
				t.Fatalf("open error is not 1636-class: %v", err)
			}
			return
		}
		walk(t, p)
	})
}

// walk exercises every reader of a patch; errors must be InvalidErrors.
func walk(t *testing.T, p *Patch) {
	check := func(err error) {
		if err != nil && !IsInvalid(err) {
			if _, ok := err.(*NotApplicable); !ok {
				t.Fatalf("error is not 1636-class: %v", err)
			}
		}
	}
	if pairs, err := p.Pairs(); err == nil {
		for _, pr := range pairs {
			pr.Transform.Changes(nil)
			pr.PatchTransform.Changes(nil)
		}
	} else {
		check(err)
	}
	_, err := p.Media(nil)
	check(err)
	_, err = p.Files(nil)
	check(err)
	_, err = p.DeliveredFiles(nil)
	check(err)
	db := msi.New(msi.Package)
	_, err = p.Apply(db)
	check(err)
}

// corpusRoot is shared/testdata (skips when absent, see corpus).
func corpusRoot(t testing.TB) string { return corpus(t, ".") }
