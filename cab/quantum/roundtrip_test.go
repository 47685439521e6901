package quantum

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// quantumInputs: x86-64 code (this test binary), text, random bytes, zeros.
func quantumInputs(t testing.TB) map[string][]byte {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	code, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	rnd := make([]byte, 70000)
	rand.New(rand.NewSource(1)).Read(rnd)
	var text bytes.Buffer
	for i := 0; text.Len() < 150<<10; i++ {
		fmt.Fprintf(&text, "line %d: the quick brown fox %x jumps over the lazy dog\n", i, i*i%977)
	}
	return map[string][]byte{
		"code":   code[:min(len(code), 400<<10)],
		"text":   text.Bytes(),
		"random": rnd,
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
				cab, err := rawcab.Build("data.bin", data, uint16(wb<<8|7<<4|2), frames)
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(dir, fmt.Sprintf("%s-%d.cab", name, wb))
				if err := os.WriteFile(path, cab, 0o644); err != nil {
					t.Fatal(err)
				}
				if ref := rawcab.Cabextract(t, path, "data.bin"); !bytes.Equal(ref, data) {
					t.Fatalf("cabextract does not reproduce the input (%d vs %d bytes): test encoder bug", len(ref), len(data))
				}
				blocks := make([]rawcab.Block, len(frames))
				for i, f := range frames {
					blocks[i].Data = f
				}
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
