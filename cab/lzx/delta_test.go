package lzx

import (
	"bytes"
	"encoding/binary"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// deltaRoundTrip encodes data against ref and decodes it back.
func deltaRoundTrip(t testing.TB, ref, data []byte) []byte {
	t.Helper()
	buf := append(append([]byte(nil), ref...), data...)
	bits := DeltaWindowBits(int64(len(ref)), int64(len(data)), maxDeltaWindowBits)
	stream, err := EncodeDelta(buf, len(ref), bits)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewDeltaReader(bytes.NewReader(stream), bits, bytes.NewReader(ref), int64(len(ref)), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding our stream (%d bytes): %v", len(stream), err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("round trip differs (%d vs %d bytes)", len(got), len(data))
	}
	return stream
}

// editedText returns a text and a copy with scattered edits.
func editedText(rng *rand.Rand, n int) (a, b []byte) {
	words := []string{"patch", "delta", "window", "installer", "cabinet", "reference", "the", "of", "and", "file"}
	for len(a) < n {
		a = append(a, words[rng.IntN(len(words))]...)
		a = append(a, ' ')
		if rng.IntN(12) == 0 {
			a = append(a, '\n')
		}
	}
	b = append([]byte(nil), a...)
	for range 20 {
		i := rng.IntN(len(b))
		b = append(b[:i], append([]byte("EDITED TEXT"), b[i:]...)...)
		j := rng.IntN(len(b) - 50)
		b = append(b[:j], b[j+rng.IntN(40):]...)
	}
	return a, b
}

func TestDeltaRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a, b := editedText(rng, 300<<10)
	random := make([]byte, 200<<10)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	cases := []struct {
		name      string
		ref, data []byte
	}{
		{"empty both", nil, nil},
		{"empty ref", nil, a[:5000]},
		{"empty output", a[:100], nil},
		{"text edits", a, b},
		{"identical", a, a},
		{"random", random[:100<<10], random[50<<10:]},
		{"zeros", make([]byte, 100<<10), make([]byte, 200<<10)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := deltaRoundTrip(t, c.ref, c.data)
			t.Logf("%d + %d bytes -> %d", len(c.ref), len(c.data), len(s))
		})
	}
}

// TestDeltaE8AndBlockTypes decodes, as LZXD, streams of the CAB test
// encoder (checked against cabextract) framed with chunk sizes: E8
// translation of real x86 code, aligned-offset and verbatim blocks, blocks
// spanning chunks. With no reference and no 257-byte match (LZXD reads an
// extra-length escape after those) the two formats agree; a counter every
// 200 bytes keeps matches shorter.
func TestDeltaE8AndBlockTypes(t *testing.T) {
	exe := rawcab.Executable(t, 2<<20)[:98<<10]
	var data []byte
	for i := 0; i < len(exe); i += 200 {
		data = append(data, exe[i:min(i+200, len(exe))]...)
		data = append(data, byte(i/200), byte(i/200>>8))
	}
	if bytes.Equal(e8Encode(data, 12000000), data) {
		t.Fatal("sample has no E8 calls to translate")
	}
	for _, mix := range [][]int{{blockVerbatim}, {blockAligned, blockVerbatim}} {
		stream, frames := encodeLZX(data, encodeOptions{
			windowBits: 17, e8Size: 12000000, blockTypes: mix, blockSizes: []int{20000, 50000}, chain: 8,
		})
		var lzxd []byte
		for _, n := range frames {
			lzxd = binary.LittleEndian.AppendUint16(lzxd, uint16(n))
			lzxd = append(lzxd, stream[:n]...)
			stream = stream[n:]
		}
		if bits := DeltaWindowBits(0, int64(len(data)), maxDeltaWindowBits); bits != 17 {
			t.Fatalf("window bits %d", bits)
		}
		r, err := NewDeltaReader(bytes.NewReader(lzxd), 17, bytes.NewReader(nil), 0, int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, data) {
			t.Fatalf("blocks %v: LZXD decoding of an E8 stream differs", mix)
		}
	}
}

// TestDeltaZerosBeforeStart: a match reaching before the first byte of the
// stream reads zeros (Windows' encoder relies on it), then continues into
// the reference data.
func TestDeltaZerosBeforeStart(t *testing.T) {
	ref := []byte("ABCDEFGH")
	// One verbatim block: literal 'x', then a match of length 12 at offset
	// 12 from stream position 9: 3 zeros, then ref[0:9]... built by hand
	// with the test helpers' tree writer.
	w := &bitSink{}
	w.put(0, 1)
	w.put(blockVerbatim, 3)
	size := 1 + 12
	w.put(uint32(size>>8), 16)
	w.put(uint32(size&0xFF), 8)
	mainSyms := numChars + posSlots[17]*8
	mainFreq := make([]uint32, mainSyms)
	off := 12
	slot := slotOf(off + 2)
	matchSym := numChars + slot*8 + numPrimaryLen
	mainFreq['x'], mainFreq[matchSym] = 1, 1
	lenFreq := make([]uint32, numLenSyms)
	lenFreq[12-minMatch-numPrimaryLen] = 1
	mainLens := codeLengths(mainFreq, 16, false, nil)
	lenLens := codeLengths(lenFreq, 16, true, nil)
	var scratch encScratch
	prevMain, prevLen := make([]uint8, mainSyms), make([]uint8, numLenSyms)
	w.putLengths(prevMain, mainLens, 0, numChars, &scratch)
	w.putLengths(prevMain, mainLens, numChars, mainSyms, &scratch)
	w.putLengths(prevLen, lenLens, 0, numLenSyms, &scratch)
	mc, lc := canonical(mainLens, nil), canonical(lenLens, nil)
	w.put(mc['x'], uint(mainLens['x']))
	w.put(mc[matchSym], uint(mainLens[matchSym]))
	w.put(lc[12-minMatch-numPrimaryLen], uint(lenLens[12-minMatch-numPrimaryLen]))
	w.put(uint32(off+2)-positionBase[slot], uint(extraBits[slot]))
	w.align()
	stream := binary.LittleEndian.AppendUint16(nil, uint16(len(w.out)))
	stream = append(stream, w.out...)
	r, err := NewDeltaReader(bytes.NewReader(stream), 17, bytes.NewReader(ref), int64(len(ref)), int64(size))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]byte("x"), append(make([]byte, 3), "ABCDEFGHx"...)...)
	if !bytes.Equal(got, want) {
		t.Fatalf("got %q, want %q", got, want)
	}
	// The same stream is corrupt as CAB LZX (no data before the start).
	cab, _ := NewReader(bytes.NewReader(w.out), 17, int64(size))
	if _, err := io.ReadAll(cab); err == nil {
		t.Fatal("CAB decoding accepted a match before the start")
	}
}
