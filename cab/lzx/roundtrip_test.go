package lzx

import (
	"bytes"
	"io"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// writeLZXCab wraps one LZX folder stream into a single-file cabinet, so
// that cabextract can be the reference decoder.
func writeLZXCab(path string, data, stream []byte, frames []int, windowBits int) error {
	blocks := make([][]byte, len(frames))
	for i, n := range frames {
		blocks[i], stream = stream[:n], stream[n:]
	}
	return rawcab.WriteCab(path, "data.bin", data, uint16(windowBits<<8|3), blocks)
}

// testInputs returns named inputs: x86-64 code (this test binary, full of
// E8 calls), text, random bytes and zeros.
func testInputs(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"code":   rawcab.Executable(t, 2<<20),
		"text":   rawcab.Text(200 << 10),
		"random": rawcab.Random(100<<10 + 7),
		"zeros":  make([]byte, 70000),
		"tiny":   []byte("E8\xe8\x01\x02\x03\x04 short"),
	}
}

// TestRoundTripCabextract encodes inputs with every window size and block
// mix, checks that cabextract decodes them to the original, then checks
// this decoder gives the same bytes.
func TestRoundTripCabextract(t *testing.T) {
	inputs := testInputs(t)
	dir := t.TempDir()
	configs := []struct {
		name string
		o    encodeOptions
	}{
		{"verbatim-w15", encodeOptions{windowBits: 15, blockTypes: []int{blockVerbatim}, blockSizes: []int{1 << 20}, chain: 8}},
		{"aligned-w16-e8", encodeOptions{windowBits: 16, e8Size: 12000000, blockTypes: []int{blockAligned}, blockSizes: []int{50000}, chain: 8}},
		{"mixed-w17-e8", encodeOptions{windowBits: 17, e8Size: 12000000, blockTypes: []int{blockVerbatim, blockUncompressed, blockAligned}, blockSizes: []int{40000, 777, 32768, 5, 100001}, chain: 8}},
		{"uncompressed-w18", encodeOptions{windowBits: 18, blockTypes: []int{blockUncompressed}, blockSizes: []int{12345, 32768, 1}, chain: 4}},
		{"mixed-w19-smalle8", encodeOptions{windowBits: 19, e8Size: 3000, blockTypes: []int{blockAligned, blockVerbatim}, blockSizes: []int{3000, 90000}, chain: 8}},
		{"aligned-w20", encodeOptions{windowBits: 20, blockTypes: []int{blockAligned, blockUncompressed}, blockSizes: []int{200000, 33}, chain: 16}},
		{"mixed-w21-e8", encodeOptions{windowBits: 21, e8Size: 1 << 30, blockTypes: []int{blockVerbatim, blockAligned, blockUncompressed}, blockSizes: []int{65536, 32768, 10}, chain: 16}},
	}
	for _, c := range configs {
		for name, data := range inputs {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				stream, frames := encodeLZX(data, c.o)
				path := filepath.Join(dir, c.name+"-"+name+".cab")
				if err := writeLZXCab(path, data, stream, frames, c.o.windowBits); err != nil {
					t.Fatal(err)
				}
				if ref := rawcab.Cabextract(t, path, "data.bin"); !bytes.Equal(ref, data) {
					t.Fatalf("cabextract does not reproduce the input (%d vs %d bytes): test encoder bug", len(ref), len(data))
				}
				r, err := NewReader(bytes.NewReader(stream), c.o.windowBits, int64(len(data)))
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(r)
				if err != nil {
					t.Fatalf("decode: %v", err)
				}
				if !bytes.Equal(got, data) {
					t.Fatalf("decoded bytes differ from the input")
				}
			})
		}
	}
}
