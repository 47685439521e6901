package quantum

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"testing"
	"testing/iotest"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// multiFrame is the 16-frame Quantum folder of cve-2010-2801-qtm-flush.cab
// (a valid stream despite the name: cabextract extracts it).
func multiFrame(t *testing.T) *rawcab.Folder {
	cab := rawcab.OpenCorpus(t, "cabextract-tests/bugs/cve-2010-2801-qtm-flush.cab")
	return &cab.Folders[0]
}

// TestTruncatedBlocks: cutting the last block short or dropping blocks
// fails with ErrCorrupt and io.ErrUnexpectedEOF (or still decodes right when
// only padding was cut).
func TestTruncatedBlocks(t *testing.T) {
	f := multiFrame(t)
	want, err := decodeFolder(t, f)
	if err != nil {
		t.Fatal(err)
	}
	for keep := 0; keep < len(f.Blocks); keep++ {
		blocks := append([]rawcab.Block(nil), f.Blocks[:keep+1]...)
		last := blocks[keep].Data
		for cut := 0; cut <= len(last); cut++ {
			blocks[keep].Data = last[:cut]
			if cut == len(last) && keep == len(f.Blocks)-1 {
				continue
			}
			r, _ := NewBlockReader(&folderBlocks{blocks}, f.WindowBits(), f.UncompressedSize())
			got, err := io.ReadAll(r)
			if err == nil {
				if !bytes.Equal(got, want) {
					t.Fatalf("blocks %d, cut %d: wrong output without error", keep+1, cut)
				}
				continue
			}
			if !errors.Is(err, ErrCorrupt) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("blocks %d, cut %d: %v", keep+1, cut, err)
			}
		}
	}
}

// TestMutations: random byte changes never panic or hang; they fail with
// ErrCorrupt or give exactly size bytes, in both modes.
func TestMutations(t *testing.T) {
	cab := rawcab.OpenCorpus(t, "libmspack-cabd/mszip_lzx_qtm.cab")
	f := &cab.Folders[2]
	payload := f.Payload()
	rng := rand.New(rand.NewSource(3))
	buf := make([]byte, len(payload))
	for i := 0; i < 2000; i++ {
		copy(buf, payload)
		buf[rng.Intn(len(buf))] ^= byte(1 + rng.Intn(255))
		for _, r := range []io.Reader{
			must(NewReader(bytes.NewReader(buf), f.WindowBits(), f.UncompressedSize())),
			must(NewBlockReader(&folderBlocks{[]rawcab.Block{{Data: buf}}}, f.WindowBits(), f.UncompressedSize())),
		} {
			got, err := io.ReadAll(r)
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("mutation %d: untyped error %v", i, err)
			}
			if err == nil && int64(len(got)) != f.UncompressedSize() {
				t.Fatalf("mutation %d: %d bytes", i, len(got))
			}
		}
	}
}

func must(r io.Reader, err error) io.Reader {
	if err != nil {
		panic(err)
	}
	return r
}

// TestOneByteReads: stream mode with one-byte source and output reads.
func TestOneByteReads(t *testing.T) {
	f := multiFrame(t)
	want, err := decodeFolder(t, f)
	if err != nil {
		t.Fatal(err)
	}
	r := must(NewReader(iotest.OneByteReader(bytes.NewReader(f.Payload())), f.WindowBits(), f.UncompressedSize()))
	got, err := io.ReadAll(iotest.OneByteReader(r))
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("err %v, equal %v", err, bytes.Equal(got, want))
	}
}

// TestSourceError: a failing block source is reported as such.
func TestSourceError(t *testing.T) {
	f := multiFrame(t)
	boom := errors.New("disk on fire")
	r := must(NewBlockReader(failingBlocks{&folderBlocks{f.Blocks[:3]}, boom}, f.WindowBits(), f.UncompressedSize()))
	if _, err := io.ReadAll(r); !errors.Is(err, boom) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want the source's error", err)
	}
}

type failingBlocks struct {
	*folderBlocks
	err error
}

func (f failingBlocks) NextBlock() ([]byte, error) {
	if len(f.blocks) == 0 {
		return nil, f.err
	}
	return f.folderBlocks.NextBlock()
}

// TestParams: window sizes outside 10..21 and negative sizes are rejected.
func TestParams(t *testing.T) {
	for _, w := range []int{-1, 0, 9, 22} {
		if _, err := NewReader(bytes.NewReader(nil), w, 10); !errors.Is(err, ErrParam) {
			t.Errorf("window bits %d: %v", w, err)
		}
	}
	if _, err := NewBlockReader(&folderBlocks{}, 15, -1); !errors.Is(err, ErrParam) {
		t.Errorf("negative size: %v", err)
	}
}
