package delta

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testcorpus"
)

// fixCRC rewrites the last four bytes of a delta so that its CRC-32 is
// 0xFFFFFFFF, letting the fuzzer reach the decoder instead of stopping at
// the whole-file check.
func fixCRC(d []byte) []byte {
	if len(d) < 4 {
		return d
	}
	d = bytes.Clone(d)
	binary.LittleEndian.PutUint32(d[len(d)-4:], crc32.ChecksumIEEE(d[:len(d)-4])^0xFFFFFFFF)
	return d
}

// fuzzSeeds adds Microsoft's vectors (when the corpus is present) and deltas
// of our own, each with its old file.
func fuzzSeeds(f *testing.F) {
	rng := rand.New(rand.NewPCG(5, 6))
	a, b := editedText(rng, 40<<10)
	for _, p := range [][2][]byte{{a, b}, {nil, b[:3000]}, {a, a}, {randomBytes(rng, 5000), randomBytes(rng, 6000)}} {
		d, err := CreateBytes(p[0], p[1], CreateOptions{AllowLarger: true})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(d, p[0], false)
	}
	dir := testcorpus.Dir(f, "pa19")
	for _, v := range [][2]string{
		{"patch_two_files_ranges.bin", "old_two_files_ranges_0.bin"},
		{"patch_blocktype2_no_timestamp.bin", "old_blocktype2_no_timestamp.bin"},
		{"patch_null_input_uncompressed.bin", ""},
		{"patch_unnecessary.bin", "old_unnecessary.bin"},
	} {
		d, err := os.ReadFile(filepath.Join(dir, v[0]))
		if err != nil {
			f.Fatal(err)
		}
		var old []byte
		if v[1] != "" {
			if old, err = os.ReadFile(filepath.Join(dir, v[1])); err != nil {
				f.Fatal(err)
			}
		}
		f.Add(d, old, true)
	}
}

// FuzzDecode: any delta and old file either rebuild a file of the header's
// size or fail with one of the package's errors, never a panic; output is
// capped so a run stays short (the window caps memory at 32 MiB).
func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data, old []byte, failIfExact bool) {
		data = fixCRC(data)
		d, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			checkErr(t, err)
			return
		}
		r, err := d.Apply(bytes.NewReader(old), int64(len(old)), ApplyOptions{FailIfExact: failIfExact})
		if err != nil {
			checkErr(t, err)
			return
		}
		n, err := io.Copy(io.Discard, io.LimitReader(r, 256<<10))
		if err != nil {
			checkErr(t, err)
			return
		}
		if n != min(d.NewSize, 256<<10) {
			t.Fatalf("rebuilt %d bytes, header says %d", n, d.NewSize)
		}
	})
}

func checkErr(t *testing.T, err error) {
	t.Helper()
	for _, e := range []error{ErrCorrupt, ErrWrongFile, ErrUnsupported, ErrNotNecessary, ErrHeaderOnly} {
		if errors.Is(err, e) {
			return
		}
	}
	t.Fatalf("untyped error: %v", err)
}

// FuzzRoundTrip: for any old and new file, applying Create's delta to the
// old file gives the new file.
func FuzzRoundTrip(f *testing.F) {
	rng := rand.New(rand.NewPCG(9, 10))
	a, b := editedText(rng, 20<<10)
	f.Add(a, b)
	f.Add([]byte{}, b)
	f.Add(a, []byte{})
	f.Add(a[:100], a[:100])
	f.Add(bytes.Repeat([]byte{0xE8, 0, 0, 0, 0}, 100), bytes.Repeat([]byte{0xE8, 1, 0, 0, 0}, 130))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		// Bounded run time per input.
		a, b = a[:min(len(a), 128<<10)], b[:min(len(b), 128<<10)]
		roundTrip(t, a, b, CreateOptions{})
	})
}
