package lzx

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// TestTranslateE8 checks the CAB E8 rules on hand-computed cases: the
// 32-bit value after an E8 byte at stream position cur is turned back from
// absolute to relative when -cur <= abs < size (abs >= 0: abs-cur, else
// abs+size); other values, and E8 bytes in the last 10 bytes of the frame,
// are left alone; the 4 bytes after an E8 are never themselves scanned.
func TestTranslateE8(t *testing.T) {
	const size = 1000
	frame := make([]byte, 64)
	put := func(at int, v int32) {
		frame[at] = 0xE8
		binary.LittleEndian.PutUint32(frame[at+1:], uint32(v))
	}
	put(0, 0xE8)  // abs 232 at cur 100 -> 132; its bytes include E8, not scanned
	put(5, -50)   // -cur <= abs < 0 -> abs+size = 950
	put(10, 2000) // abs >= size: unchanged
	put(15, -500) // abs < -cur: unchanged
	put(20, 999)  // largest translated: 999-120 = 879
	put(54, 7)    // within the last 10 bytes: unchanged
	d := &decoder{e8Size: size, produced: 100}
	got := d.translateE8(frame)
	want := append([]byte(nil), frame...)
	binary.LittleEndian.PutUint32(want[1:], uint32(0xE8-100))
	binary.LittleEndian.PutUint32(want[6:], uint32(950))
	binary.LittleEndian.PutUint32(want[21:], uint32(879))
	if !bytes.Equal(got, want) {
		t.Fatalf("translateE8:\n got %x\nwant %x", got, want)
	}
	if frame[1] != 0xE8 {
		t.Fatal("translateE8 modified the window")
	}
}

// TestE8NotPastOneGiB: frames from index 32768 (output offset 1 GiB) on are
// not translated. The decoder is made to believe 1 GiB precedes a stream
// whose encoder translated calls, so the translated bytes must come out.
func TestE8NotPastOneGiB(t *testing.T) {
	data := rawcab.Executable(t, 2<<20)[:100<<10]
	stream, _ := encodeLZX(data, encodeOptions{
		windowBits: 17, e8Size: 12000000, blockTypes: []int{blockUncompressed, blockVerbatim}, blockSizes: []int{50000}, chain: 4,
	})
	translated := e8Encode(data, 12000000)
	if bytes.Equal(translated, data) {
		t.Fatal("sample has no E8 calls to translate")
	}
	const skip = int64(e8MaxFrames) * frameSize
	r, err := NewReader(bytes.NewReader(stream), 17, skip+int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	d := r.(*decoder)
	d.produced, d.frame = skip, e8MaxFrames
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, translated) {
		t.Fatal("frames past 1 GiB were E8-translated")
	}
}
