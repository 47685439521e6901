package cab

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// addCorpusSeeds adds the small corpus cabinets as fuzz seeds.
func addCorpusSeeds(f *testing.F) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file))
	for _, sub := range []string{"cab/libmspack-cabd", "cab/gcab-tests", "cab/cabextract-tests/bugs", "generated"} {
		paths, _ := filepath.Glob(filepath.Join(root, "..", "shared", "testdata", sub, "*.cab"))
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
	}
	f.Add(writeCab(f, mixedMembers(5, 1)[:4], nil))
}

// FuzzReader: any input opens or fails with an error, reading every member
// ends (data or error) with bounded output, and Find agrees with NewReader
// (checkFind).
func FuzzReader(f *testing.F) {
	addCorpusSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), int64(len(data)))
		checkFind(t, data, r, err)
		if err != nil {
			return
		}
		for _, file := range r.Files {
			rc, err := file.Open()
			if err != nil {
				continue
			}
			// A member is at most 4 GiB on paper; the input bounds what a
			// corrupt folder can make us produce, so cap the copy.
			io.CopyN(io.Discard, rc, 8<<20)
			rc.Close()
		}
	})
}

// checkFind checks Find on data against NewReader's result (r, openErr).
// The two answer different questions, as in libmspack: NewReader opens
// what is claimed to be a cabinet, even one cut short (cabd_open;
// partial_nodata.cab must open), while Find searches arbitrary bytes and,
// like cabd_search (what cabextract runs), skips a candidate whose claimed
// size runs past the end of the input by more than findSlack bytes: in a
// search that is the sign of a false "MSCF". So:
//   - Find finds a cabinet only where NewReaderAt opens one;
//   - it fails only with ErrNotFound;
//   - a cabinet that opens at 0 and whose claimed size fits is found at 0.
func checkFind(t *testing.T, data []byte, r *Reader, openErr error) {
	t.Helper()
	size := int64(len(data))
	off, err := Find(bytes.NewReader(data), size)
	switch {
	case err != nil && !errors.Is(err, ErrNotFound):
		t.Fatalf("Find: %v, want a cabinet or ErrNotFound", err)
	case err == nil && (off < 0 || off+headerSize > size):
		t.Fatalf("Find returned offset %d of a %d-byte input", off, size)
	case err == nil:
		if _, err := NewReaderAt(bytes.NewReader(data), off, size); err != nil {
			t.Fatalf("Find reports a cabinet at %d that NewReaderAt refuses: %v", off, err)
		}
	}
	if openErr == nil {
		h := r.Cabinets[0].Header
		fits := int64(h.Size) >= headerSize && int64(h.Size) <= size+findSlack && h.FilesOffset < h.Size
		if fits && (err != nil || off != 0) {
			t.Fatalf("NewReader opens a cabinet at 0 (%d bytes claimed, %d present) but Find says %d, %v", h.Size, size, off, err)
		}
	}
}

// FuzzMSZIP: the MSZIP block decoder on arbitrary payloads, chained so the
// history path is exercised.
func FuzzMSZIP(f *testing.F) {
	f.Add([]byte("CK\x03\x00"), []byte("CK\x4b\x04\x00"), uint16(0), uint16(1))
	data := writeCab(f, []testMember{{"a", bytes.Repeat([]byte("abcdefgh"), 9000)}}, nil)
	if r, err := NewReader(bytes.NewReader(data), int64(len(data))); err == nil {
		b := newBlockReader(r.Folders[0], true)
		p1, n1, _ := b.next()
		p1 = append([]byte{}, p1...)
		p2, n2, _ := b.next()
		f.Add(p1, append([]byte{}, p2...), uint16(n1), uint16(n2))
	}
	f.Fuzz(func(t *testing.T, a, b []byte, na, nb uint16) {
		d := newMSZIPDecoder()
		for _, blk := range []struct {
			p []byte
			n uint16
		}{{a, na}, {b, nb}} {
			out, err := d.decode(blk.p, int(blk.n%(blockSize+1)))
			if err != nil {
				return
			}
			if len(out) != int(blk.n%(blockSize+1)) {
				t.Fatalf("decoded %d bytes, asked %d", len(out), blk.n)
			}
		}
	})
}

// FuzzWriter: whatever the member contents, the cabinet reads back.
func FuzzWriter(f *testing.F) {
	f.Add([]byte("hello"), uint8(1))
	f.Add(bytes.Repeat([]byte{0}, 70000), uint8(6))
	f.Fuzz(func(t *testing.T, data []byte, level uint8) {
		cab := writeCab(t, []testMember{{"f", data}, {"g", data[:len(data)/2]}}, func(w *Writer) { w.Level = int(level%9) + 1 })
		r, err := NewReader(bytes.NewReader(cab), int64(len(cab)))
		if err != nil {
			t.Fatal(err)
		}
		if got := readAll(t, r.Files[0]); !bytes.Equal(got, data) {
			t.Fatalf("round trip differs")
		}
		if !checkCabBlocks(r) {
			t.Fatalf("a block libmspack would reject")
		}
	})
}

// checkCabBlocks runs checkDeflate over every MSZIP block of r.
func checkCabBlocks(r *Reader) bool {
	for _, fo := range r.Folders {
		if fo.Compression().Method() != MethodMSZIP {
			continue
		}
		b := newBlockReader(fo, true)
		for {
			p, _, err := b.next()
			if err == io.EOF {
				break
			}
			if err != nil || len(p) < 2 || !checkDeflate(p[2:], false) {
				return false
			}
		}
	}
	return true
}
