package quantum

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// quantumInputs: x86-64 code (this test binary), text, random bytes, zeros.
func quantumInputs(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"code":   rawcab.Executable(t, 400<<10),
		"text":   rawcab.Text(150 << 10),
		"random": rawcab.Random(70000),
		"zeros":  make([]byte, 100000),
		"tiny":   []byte("abcabcabcabc"),
	}
}

// TestRoundTripCabextract encodes inputs with the test encoder at several
// window sizes (1 KiB windows wrap inside every frame), checks cabextract
// extracts the original, then checks both constructors decode it.
func TestRoundTripCabextract(t *testing.T) {
	dir := t.TempDir()
	for name, data := range quantumInputs(t) {
		for _, wb := range []int{10, 12, 15, 17, 21} {
			t.Run(fmt.Sprintf("%s/w%d", name, wb), func(t *testing.T) {
				frames := encodeQuantum(data, wb)
				path := filepath.Join(dir, fmt.Sprintf("%s-%d.cab", name, wb))
				if err := rawcab.WriteCab(path, "data.bin", data, uint16(wb<<8|7<<4|2), frames); err != nil {
					t.Fatal(err)
				}
				if ref := rawcab.Cabextract(t, path, "data.bin"); !bytes.Equal(ref, data) {
					t.Fatalf("cabextract does not reproduce the input (%d vs %d bytes): test encoder bug", len(ref), len(data))
				}
				blocks := asBlocks(frames)
				r, err := NewBlockReader(&folderBlocks{blocks}, wb, int64(len(data)))
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(r)
				if err != nil || !bytes.Equal(got, data) {
					t.Fatalf("block mode: err %v, equal %v", err, bytes.Equal(got, data))
				}
			})
		}
	}
}
