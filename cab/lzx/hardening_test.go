package lzx

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"testing"
	"testing/iotest"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// mixedStream is a small stream with every block type, E8 translation and
// blocks spanning frames, from the test encoder.
func mixedStream(t *testing.T) (data, stream []byte) {
	data = rawcab.Executable(t, 2<<20)[:300<<10]
	stream, _ = encodeLZX(data, encodeOptions{
		windowBits: 16, e8Size: 12000000,
		blockTypes: []int{blockVerbatim, blockUncompressed, blockAligned},
		blockSizes: []int{40000, 1001, 70000}, chain: 4,
	})
	return data, stream
}

func decodeAll(src io.Reader, windowBits int, size int64) ([]byte, error) {
	r, err := NewReader(src, windowBits, size)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// TestTruncated: every cut of the stream fails with ErrCorrupt and
// io.ErrUnexpectedEOF, or (when only final padding was cut) still decodes
// correctly.
func TestTruncated(t *testing.T) {
	code := rawcab.Executable(t, 2<<20)
	for i, mix := range [][]int{{blockVerbatim}, {blockAligned}, {blockVerbatim, blockUncompressed, blockAligned}} {
		data := code[i*(256<<10) : (i+1)*(256<<10)]
		stream, _ := encodeLZX(data, encodeOptions{
			windowBits: 16, e8Size: 12000000, blockTypes: mix, blockSizes: []int{40000, 1001, 70000}, chain: 4,
		})
		// Every cut in the trees of the first block, then a sample.
		for cut := 0; cut < len(stream); cut += 1 + max(0, cut-1500)/7 {
			got, err := decodeAll(bytes.NewReader(stream[:cut]), 16, int64(len(data)))
			if err == nil {
				if !bytes.Equal(got, data) {
					t.Fatalf("blocks %v, cut at %d of %d: wrong output without error", mix, cut, len(stream))
				}
				continue
			}
			if !errors.Is(err, ErrCorrupt) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("blocks %v, cut at %d: %v", mix, cut, err)
			}
		}
	}
}

// TestMutations: random byte changes of a valid stream never panic; they
// fail with ErrCorrupt or give exactly size bytes.
func TestMutations(t *testing.T) {
	data, stream := mixedStream(t)
	rng := rand.New(rand.NewSource(7))
	buf := make([]byte, len(stream))
	for i := 0; i < 300; i++ {
		copy(buf, stream)
		for j := 0; j < 1+rng.Intn(4); j++ {
			buf[rng.Intn(len(buf))] ^= byte(1 + rng.Intn(255))
		}
		got, err := decodeAll(bytes.NewReader(buf), 16, int64(len(data)))
		if err != nil && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("mutation %d: untyped error %v", i, err)
		}
		if err == nil && len(got) != len(data) {
			t.Fatalf("mutation %d: %d bytes, want %d", i, len(got), len(data))
		}
	}
}

// TestOneByteReads: one-byte reads of input and output give the same bytes.
func TestOneByteReads(t *testing.T) {
	data, stream := mixedStream(t)
	r, err := NewReader(iotest.OneByteReader(bytes.NewReader(stream)), 16, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(iotest.OneByteReader(r))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("one-byte reads: err %v, equal %v", err, bytes.Equal(got, data))
	}
}

// TestSourceError: a failing source is reported as such, not as corruption.
func TestSourceError(t *testing.T) {
	data, stream := mixedStream(t)
	boom := errors.New("disk on fire")
	src := io.MultiReader(bytes.NewReader(stream[:len(stream)/2]), iotest.ErrReader(boom))
	_, err := decodeAll(src, 16, int64(len(data)))
	if !errors.Is(err, boom) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want the source's error", err)
	}
}

// TestParams: window sizes outside 15..21 and negative sizes are rejected;
// an empty folder reads nothing.
func TestParams(t *testing.T) {
	for _, w := range []int{-1, 0, 14, 22, 31} {
		if _, err := NewReader(bytes.NewReader(nil), w, 10); !errors.Is(err, ErrParam) {
			t.Errorf("window bits %d: %v", w, err)
		}
	}
	if _, err := NewReader(bytes.NewReader(nil), 15, -1); !errors.Is(err, ErrParam) {
		t.Errorf("negative size: %v", err)
	}
	got, err := decodeAll(bytes.NewReader(nil), 21, 0)
	if err != nil || len(got) != 0 {
		t.Errorf("empty folder: %d bytes, %v", len(got), err)
	}
}
