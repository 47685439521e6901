package patch

import (
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/internal/transformtest"
)

// BenchmarkCreate makes a whole-file patch between two synthetic packages
// of about 20,000 rows (1,000 files, 50 of them changed).
func BenchmarkCreate(b *testing.B) {
	set, v1, v2, out := benchProduct(b)
	b.ResetTimer()
	for b.Loop() {
		res, err := Create(v1, v2, out, CreateOptions{PatchCode: testPatchCode})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Delivered) != set.Changed {
			b.Fatalf("delivered %d files", len(res.Delivered))
		}
	}
	b.ReportMetric(float64(set.Rows()), "rows")
}

// BenchmarkInspect opens a patch and walks its transforms, media and files.
func BenchmarkInspect(b *testing.B) {
	_, v1, v2, out := benchProduct(b)
	if _, err := Create(v1, v2, out, CreateOptions{PatchCode: testPatchCode}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		p, err := Open(out)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Files(nil); err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}

// benchProduct builds the synthetic pair; out is where to write the patch.
func benchProduct(b *testing.B) (set transformtest.Synthetic, v1, v2, out string) {
	set = transformtest.Synthetic{Files: 1000, Registry: 17000, Changed: 50}
	dir := b.TempDir()
	v1, v2, err := set.Build(dir)
	if err != nil {
		b.Fatal(err)
	}
	return set, v1, v2, filepath.Join(dir, "p.msp")
}
