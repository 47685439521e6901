package delta

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// benchPair returns an old and a new file for the benchmarks: the files
// named by OHOTFIX_BENCH_OLD and OHOTFIX_BENCH_NEW (bench/delta.sh), else
// one of Wine's x64 DLLs with scattered edits, else an edited text.
func benchPair(b *testing.B) (old, nw []byte) {
	if old, nw, ok := testtools.BenchPair(b); ok {
		return old, nw
	}
	rng := rand.New(rand.NewPCG(1, 1))
	paths, _ := filepath.Glob("/usr/lib/*/wine/x86_64-windows/msi.dll")
	if len(paths) > 0 {
		if pe, err := os.ReadFile(paths[0]); err == nil {
			nw = bytes.Clone(pe)
			for range 200 {
				i := rng.IntN(len(nw) - 8)
				nw[i], nw[i+3] = byte(rng.Uint32()), byte(rng.Uint32())
			}
			at := len(nw) / 3
			nw = append(nw[:at], append(bytes.Clone(pe[1000:9000]), nw[at:]...)...)
			return pe, nw
		}
	}
	return editedText(rng, 4<<20)
}

// BenchmarkApply: rebuilding the new file (MB/s of new file), including
// the old file's CRC, the window set-up and the new file's CRC.
func BenchmarkApply(b *testing.B) {
	old, nw := benchPair(b)
	d, err := CreateBytes(old, nw, CreateOptions{AllowLarger: true})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(nw)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		dd, err := Open(bytes.NewReader(d), int64(len(d)))
		if err != nil {
			b.Fatal(err)
		}
		r, err := dd.Apply(bytes.NewReader(old), int64(len(old)), ApplyOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(d)), "delta-bytes")
}

// BenchmarkCreate: making the delta (MB/s of new file).
func BenchmarkCreate(b *testing.B) {
	old, nw := benchPair(b)
	b.SetBytes(int64(len(nw)))
	b.ReportAllocs()
	var d []byte
	for b.Loop() {
		var err error
		if d, err = CreateBytes(old, nw, CreateOptions{AllowLarger: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(d)), "delta-bytes")
}
