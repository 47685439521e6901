package quantum

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

var quantumSeedCabs = []string{
	"libmspack-cabd/mszip_lzx_qtm.cab",
	"libmspack-cabd/cve-2014-9556-qtm-infinite-loop.cab",
	"libmspack-cabd/cve-2018-18584-qtm-max-size-block.cab",
	"cabextract-tests/bugs/cve-2010-2801-qtm-flush.cab",
}

// FuzzQuantum: any input, in stream mode and as a single block, either
// decodes to exactly size bytes or fails with ErrCorrupt/ErrParam.
func FuzzQuantum(f *testing.F) {
	rawcab.AddSeeds(f, quantumSeedCabs, rawcab.MethodQuantum, 1<<18)
	// A frame from the test encoder, at a window that wraps inside it.
	text := rawcab.Text(20000)[:20000]
	f.Add(encodeQuantum(text, 10)[0], 10, int64(len(text)))
	f.Add(encodeQuantum(text, 21)[0], 21, int64(len(text)))
	f.Fuzz(func(t *testing.T, data []byte, windowBits int, size int64) {
		size = min(size, 1<<18) // bounded run time per input
		block := &folderBlocks{[]rawcab.Block{{Data: data}}}
		for _, open := range []func() (io.Reader, error){
			func() (io.Reader, error) { return NewReader(bytes.NewReader(data), windowBits, size) },
			func() (io.Reader, error) { return NewBlockReader(block, windowBits, size) },
		} {
			r, err := open()
			if err != nil {
				if !errors.Is(err, ErrParam) {
					t.Fatalf("constructor: %v", err)
				}
				return
			}
			n, err := io.Copy(io.Discard, r)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("untyped error %v", err)
				}
				continue
			}
			if n != size {
				t.Fatalf("decoded %d bytes, want %d", n, size)
			}
		}
	})
}
