package lzx

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// writeLZXCab wraps one LZX folder stream into a single-file cabinet (no
// checksums), so that cabextract can be the reference decoder.
func writeLZXCab(path string, data, stream []byte, frames []int, windowBits int) error {
	const name = "data.bin"
	filesOff := 36 + 8
	dataOff := filesOff + 16 + len(name) + 1
	var b []byte
	le16 := func(v int) { b = binary.LittleEndian.AppendUint16(b, uint16(v)) }
	le32 := func(v int) { b = binary.LittleEndian.AppendUint32(b, uint32(v)) }
	total := dataOff + 8*len(frames) + len(stream)
	b = append(b, "MSCF"...)
	le32(0)
	le32(total)
	le32(0)
	le32(filesOff)
	le32(0)
	b = append(b, 3, 1)
	le16(1) // folders
	le16(1) // files
	le16(0) // flags
	le16(1234)
	le16(0)
	le32(dataOff)
	le16(len(frames))
	le16(windowBits<<8 | 3)
	le32(len(data))
	le32(0)
	le16(0)
	le16(0x226C)
	le16(0x59BA)
	le16(0x20)
	b = append(b, name...)
	b = append(b, 0)
	rest := stream
	for i, n := range frames {
		le32(0)
		le16(n)
		le16(min(frameSize, len(data)-i*frameSize))
		b = append(b, rest[:n]...)
		rest = rest[n:]
	}
	if len(rest) != 0 || len(b) != total {
		return fmt.Errorf("frame sizes do not add up: %d left, %d vs %d", len(rest), len(b), total)
	}
	return os.WriteFile(path, b, 0o644)
}

// testInputs returns named inputs: x86-64 code (this test binary, full of
// E8 calls), text, random bytes and zeros.
func testInputs(t testing.TB) map[string][]byte {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	code, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	code = code[:min(len(code), 2<<20)]
	rnd := make([]byte, 100<<10+7)
	rand.New(rand.NewSource(1)).Read(rnd)
	var text bytes.Buffer
	for i := 0; text.Len() < 200<<10; i++ {
		fmt.Fprintf(&text, "line %d: the quick brown fox %x jumps over the lazy dog\n", i, i*i%977)
	}
	return map[string][]byte{
		"code":   code,
		"text":   text.Bytes(),
		"random": rnd,
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
