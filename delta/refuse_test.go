package delta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestCorruptStream damages bytes of a multi-chunk delta's stream and fixes
// the whole-file CRC so that the damage reaches the decoder: every result
// is either the right file (a flip in padding bits) or ErrCorrupt, never a
// wrong file or another error (a cut stream reads as a header-only delta).
func TestCorruptStream(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	a, b := editedText(rng, 300<<10)
	d, err := CreateBytes(a, b, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := ReadHeader(bytes.NewReader(d))
	if err != nil {
		t.Fatal(err)
	}
	start, end := int(h.Old[0].StreamOffset), int(h.Old[0].StreamOffset+h.Old[0].StreamSize)
	refused := 0
	for i := 0; i < 300; i++ {
		bad := bytes.Clone(d)
		at := start + rng.IntN(end-start)
		bad[at] ^= byte(1 << rng.IntN(8))
		if i%3 == 0 { // sometimes a truncated stream, header fixed
			bad = append(bad[:at], bad[end:]...)
		}
		got, err := applyBytes(fixCRC(bad), a, ApplyOptions{})
		switch {
		case err == nil:
			if !bytes.Equal(got, b) {
				t.Fatalf("flip at %d: wrong output accepted", at)
			}
		case errors.Is(err, ErrCorrupt), errors.Is(err, ErrHeaderOnly) && len(bad) < len(d):
			refused++
		default:
			t.Fatalf("flip at %d: untyped error %v", at, err)
		}
	}
	if refused < 250 {
		t.Fatalf("only %d of 300 damaged deltas refused", refused)
	}
}

// header builds a delta header (one old file) by hand: flags, then after
// the old file's CRC the given range and normalisation bytes.
func header(flags uint32, newSize, oldSize int64, oldCRC uint32, tail []byte) []byte {
	b := []byte(magic)
	b = binary.LittleEndian.AppendUint32(b, flags)
	b = appendUVLI(b, uint64(newSize))
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = append(b, 1)
	b = appendSVLI(b, oldSize-newSize)
	b = binary.LittleEndian.AppendUint32(b, oldCRC)
	b = append(b, tail...)
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b)^0xFFFFFFFF)
}

func TestRefusals(t *testing.T) {
	noRanges := []byte{0, 0}
	cases := []struct {
		name string
		data []byte
		want error
		msg  string
	}{
		{"i386 normalisation", header(FlagNoRebase, 10, 10, 0, append(noRanges, appendUVLI(nil, 3)...)), ErrUnsupported, "i386 PE normalisation"},
		{"interleaved", header(FlagNoRebase|FlagInterleave, 10, 10, 0, noRanges), ErrUnsupported, "interleaved"},
		{"unknown flag", header(FlagNoRebase|0x8, 10, 10, 0, noRanges), ErrUnsupported, "0x00000008"},
		{"no signature", []byte("PA18\x00\x00\x00\x00"), ErrCorrupt, "signature"},
		{"empty", nil, ErrCorrupt, "ends early"},
		{"ignore range past the end", header(FlagNoRebase, 10, 10, 0, []byte{1, 0x85, 0x86, 0}), ErrCorrupt, "ignore range"},
		{"retain range past the end", header(FlagNoRebase, 10, 10, 0, []byte{0, 1, 0x80, 0x80, 0x8B}), ErrCorrupt, "retain range"},
		{"overlong number", header(FlagNoRebase, 10, 10, 0, append(noRanges, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81)), ErrCorrupt, "longer than 9"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(c.data), int64(len(c.data)))
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want %v mentioning %q", err, c.want, c.msg)
			}
		})
	}
}

// TestOldFileOverWindow: an old file larger than the window (8 MiB without
// LZX_LARGE) is what Windows interleaves; it is refused as unsupported, as
// Wine does, after the old file matched.
func TestOldFileOverWindow(t *testing.T) {
	old := make([]byte, 9<<20)
	tail := append([]byte{0, 0}, appendUVLI(nil, 0)...)
	tail = appendUVLI(tail, 4)
	tail = append(tail, 0, 0, 0, 0) // the stream
	d := header(FlagNoRebase, 100, int64(len(old)), crc32.ChecksumIEEE(old), tail)
	_, err := applyBytes(d, old, ApplyOptions{})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "interleaved") {
		t.Fatalf("got %v", err)
	}
}

// TestApplyReaderErrorsAtEnd: a rebuilt file failing its CRC.
func TestApplyReaderErrorsAtEnd(t *testing.T) {
	// The reader yields the bytes and
	// then ErrCorrupt instead of io.EOF, so a caller writing a temporary
	// file discards it.
	a, b := []byte(strings.Repeat("old text ", 500)), []byte(strings.Repeat("new text ", 500))
	d, err := CreateBytes(a, b, CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h, _ := ReadHeader(bytes.NewReader(d))
	crcAt := bytes.Index(d, binary.LittleEndian.AppendUint32(nil, h.NewCRC))
	d[crcAt] ^= 1
	dd, err := Open(bytes.NewReader(fixCRC(d)), int64(len(d)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := dd.Apply(bytes.NewReader(a), int64(len(a)), ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(r)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "CRC") {
		t.Fatalf("got %v", err)
	}
}
