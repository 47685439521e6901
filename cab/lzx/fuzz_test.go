package lzx

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// lzxSeedCabs are the corpus cabinets with LZX folders (valid and corrupt).
var lzxSeedCabs = []string{
	"libmspack-cabd/mszip_lzx_qtm.cab",
	"libmspack-cabd/normal_2files_2folders.cab",
	"libmspack-cabd/cve-2015-4471-lzx-under-read.cab",
	"libmspack-cabd/lzx-main-tree-no-lengths.cab",
	"libmspack-cabd/lzx-premature-matches.cab",
	"cabextract-tests/cabs/large-files-cab.cab",
}

// FuzzLZX: any input either decodes to exactly size bytes or fails with
// ErrCorrupt/ErrParam, without panicking or hanging.
func FuzzLZX(f *testing.F) {
	rawcab.AddSeeds(f, lzxSeedCabs, rawcab.MethodLZX, 1<<20)
	// Streams from the test encoder: every block type, E8, several frames.
	text := rawcab.Text(70000)[:70000]
	for i, mix := range [][]int{{blockVerbatim}, {blockAligned, blockUncompressed}, {blockUncompressed, blockVerbatim}} {
		stream, _ := encodeLZX(text, encodeOptions{
			windowBits: 15 + i, e8Size: 12000000, blockTypes: mix, blockSizes: []int{20000, 7, 40000}, chain: 4,
		})
		f.Add(stream, 15+i, int64(len(text)))
	}
	f.Fuzz(func(t *testing.T, data []byte, windowBits int, size int64) {
		size = min(size, 1<<18) // bounded run time per input
		r, err := NewReader(bytes.NewReader(data), windowBits, size)
		if err != nil {
			if !errors.Is(err, ErrParam) {
				t.Fatalf("NewReader: %v", err)
			}
			return
		}
		n, err := io.Copy(io.Discard, r)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if n != size {
			t.Fatalf("decoded %d bytes, want %d", n, size)
		}
	})
}
