package lzx

import (
	"bytes"
	"io"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

func benchmarkFolder(b *testing.B, f *rawcab.Folder, limit int64) {
	payload := f.Payload()
	size := f.UncompressedSize()
	b.SetBytes(min(size, limit))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(payload), f.WindowBits(), size)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyN(io.Discard, r, min(size, limit)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLZXLargeFilesCab: the 14 MB LZX:21 folder of large-files-cab.cab
// (449 frames of a cabinet's bytes).
func BenchmarkLZXLargeFilesCab(b *testing.B) {
	outer := rawcab.OpenCorpus(b, "cabextract-tests/cabs/large-files-cab.cab")
	benchmarkFolder(b, &outer.Folders[0], 1<<62)
}

// BenchmarkLZX21Text / BenchmarkLZX15Text: the first 256 MiB of the 2 GiB
// text folders inside large-files.cab.
func BenchmarkLZX21Text(b *testing.B) {
	benchmarkFolder(b, &innerLargeCab(b).Folders[2], 256<<20)
}

func BenchmarkLZX15Text(b *testing.B) {
	benchmarkFolder(b, &innerLargeCab(b).Folders[1], 256<<20)
}

// BenchmarkLZXSmall: the small LZX:18 member of mszip_lzx_qtm.cab, dominated
// by setup (window, tables).
func BenchmarkLZXSmall(b *testing.B) {
	cab := rawcab.OpenCorpus(b, "libmspack-cabd/mszip_lzx_qtm.cab")
	benchmarkFolder(b, &cab.Folders[1], 1<<62)
}

// BenchmarkLZX21Full / BenchmarkLZX15Full decode a whole 2 GiB folder of
// large-files.cab per op (compare: cabextract -F lzx21-2gb.txt -p).
func BenchmarkLZX21Full(b *testing.B) {
	benchmarkFolder(b, &innerLargeCab(b).Folders[2], 1<<62)
}

func BenchmarkLZX15Full(b *testing.B) {
	benchmarkFolder(b, &innerLargeCab(b).Folders[1], 1<<62)
}
