package lzx

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
	"github.com/ohotfix/ohotfix/internal/testtools"
)

// deltaBenchFiles: OHOTFIX_BENCH_OLD/NEW (bench/delta.sh), else a sample
// executable and a copy with scattered edits.
func deltaBenchFiles(b *testing.B) (old, nw []byte) {
	if old, nw, ok := testtools.BenchPair(b); ok {
		return old, nw
	}
	old = rawcab.Executable(b, 4<<20)
	nw = bytes.Clone(old)
	rng := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		nw[rng.IntN(len(nw))] ^= 0x55
	}
	return old, nw
}

// BenchmarkDeltaVersusCab decodes the same new file as an LZXD delta
// against the old file and as a CAB LZX:21 folder (from the test encoder,
// framed as the cab package feeds the decoder), both with this package's
// decoder core: the MB/s of the two sub-benchmarks are comparable.
func BenchmarkDeltaVersusCab(b *testing.B) {
	old, nw := deltaBenchFiles(b)
	b.Run("lzxd", func(b *testing.B) {
		buf := append(bytes.Clone(old), nw...)
		bits := DeltaWindowBits(int64(len(old)), int64(len(nw)), maxDeltaWindowBits)
		stream, err := EncodeDelta(buf, len(old), bits)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(nw)))
		defer b.ReportMetric(float64(len(stream)), "stream-bytes")
		for b.Loop() {
			r, err := NewDeltaReader(bytes.NewReader(stream), bits, bytes.NewReader(old), int64(len(old)), int64(len(nw)))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cab-lzx21", func(b *testing.B) {
		stream, _ := encodeLZX(nw, encodeOptions{windowBits: 21, blockTypes: []int{blockVerbatim}, blockSizes: []int{1 << 20}, chain: 16})
		b.SetBytes(int64(len(nw)))
		defer b.ReportMetric(float64(len(stream)), "stream-bytes")
		for b.Loop() {
			r, err := NewReader(bytes.NewReader(stream), 21, int64(len(nw)))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})
	// lzxd-only: the same new file as an LZXD stream without reference,
	// i.e. our encoder against the test encoder on equal terms.
	b.Run("lzxd-noref", func(b *testing.B) {
		bits := DeltaWindowBits(0, int64(len(nw)), maxDeltaWindowBits)
		stream, err := EncodeDelta(bytes.Clone(nw), 0, bits)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(nw)))
		defer b.ReportMetric(float64(len(stream)), "stream-bytes")
		for b.Loop() {
			r, err := NewDeltaReader(bytes.NewReader(stream), bits, bytes.NewReader(nil), 0, int64(len(nw)))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
