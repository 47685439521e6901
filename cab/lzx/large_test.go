package lzx

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
	"github.com/ohotfix/ohotfix/internal/testtools"
)

// largeFilesCab decodes large-files.cab, the 14 MB LZX:21 member of
// cabextract's large-files-cab.cab, with this package.
func largeFilesCab(tb testing.TB) []byte {
	tb.Helper()
	outer := rawcab.OpenCorpus(tb, "cabextract-tests/cabs/large-files-cab.cab")
	data, err := decodeFolder(tb, &outer.Folders[0])
	if err != nil {
		tb.Fatalf("large-files-cab.cab: %v", err)
	}
	return data
}

// innerLargeCab parses the decoded large-files.cab.
func innerLargeCab(tb testing.TB) *rawcab.Cabinet {
	tb.Helper()
	inner, err := rawcab.Parse(largeFilesCab(tb))
	if err != nil {
		tb.Fatalf("decoded large-files.cab does not parse: %v", err)
	}
	return inner
}

// TestLargeFilesCab decodes the 449-frame LZX:21 folder of
// large-files-cab.cab; its output is itself a cabinet whose structure is
// known (README: three ~2 GiB files in MSZIP, LZX:15 and LZX:21 folders).
func TestLargeFilesCab(t *testing.T) {
	got := largeFilesCab(t)
	inner, err := rawcab.Parse(got)
	if err != nil {
		t.Fatalf("decoded large-files.cab does not parse: %v", err)
	}
	path := filepath.Join(rawcab.CorpusDir(t), "cabextract-tests/cabs/large-files-cab.cab")
	if want := rawcab.Cabextract(t, path, "large-files.cab"); !bytes.Equal(got, want) {
		t.Fatalf("large-files.cab differs from cabextract's output")
	}
	wantTypes := []uint16{0x0001, 0x0F03, 0x1503}
	if len(inner.Folders) != len(wantTypes) {
		t.Fatalf("inner cabinet has %d folders, want 3", len(inner.Folders))
	}
	for i, f := range inner.Folders {
		if f.TypeCompress != wantTypes[i] || len(f.Blocks) != 65535 || f.UncompressedSize() != 2147450880 {
			t.Errorf("inner folder %d: type %#x, %d blocks, %d bytes", i, f.TypeCompress, len(f.Blocks), f.UncompressedSize())
		}
	}
}

// TestLargeFilesLZX decodes the two 2 GiB LZX folders of large-files.cab and
// checks the md5 given in the corpus README. It takes several seconds, so it
// runs in CI (CI=true) or with OHOTFIX_LARGE_TESTS=1.
func TestLargeFilesLZX(t *testing.T) {
	testtools.Large(t, "OHOTFIX_LARGE_TESTS", "decode the two 2 GiB LZX folders")
	inner := innerLargeCab(t)
	for _, i := range []int{1, 2} {
		f := &inner.Folders[i]
		r, err := NewReader(bytes.NewReader(f.Payload()), f.WindowBits(), f.UncompressedSize())
		if err != nil {
			t.Fatal(err)
		}
		h := md5.New()
		start := time.Now()
		n, err := io.Copy(h, r)
		if err != nil {
			t.Fatalf("folder %d: %v after %d bytes", i, err, n)
		}
		el := time.Since(start)
		if got := hex.EncodeToString(h.Sum(nil)); got != "d64bf04a56027b97ac17d751aba2d291" {
			t.Errorf("folder %d (LZX:%d): md5 %s", i, f.WindowBits(), got)
		}
		t.Logf("folder %d (LZX:%d): %d bytes in %v (with md5)", i, f.WindowBits(), n, el)
	}
}
