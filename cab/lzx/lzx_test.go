package lzx

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// decodeFolder decodes one LZX folder of a corpus cabinet.
func decodeFolder(t testing.TB, f *rawcab.Folder) ([]byte, error) {
	t.Helper()
	if f.Method() != rawcab.MethodLZX {
		t.Fatalf("folder is method %d, not LZX", f.Method())
	}
	r, err := NewReader(bytes.NewReader(f.Payload()), f.WindowBits(), f.UncompressedSize())
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// TestCorpusMembers checks every LZX member of the libmspack/cabextract
// sample cabinets against the md5s in the corpus READMEs.
func TestCorpusMembers(t *testing.T) {
	want := map[string]map[string]string{
		"libmspack-cabd/mszip_lzx_qtm.cab":          {"lzx.txt": "703474293b614e7110b3eb8ac2762b53"},
		"cabextract-tests/cabs/mixed.cab":           {"lzx.txt": "703474293b614e7110b3eb8ac2762b53"},
		"libmspack-cabd/normal_2files_2folders.cab": {"lzx1.txt": "67c5cd73e661fa667b8de3d8a5f6f3bf", "lzx2.txt": "5182c12627058cf1afd4e6ce8f10d635"},
	}
	for cabName, files := range want {
		cab := rawcab.OpenCorpus(t, cabName)
		seen := 0
		for _, file := range cab.Files {
			sum, ok := files[file.Name]
			if !ok {
				continue
			}
			seen++
			out, err := decodeFolder(t, &cab.Folders[file.Folder])
			if err != nil {
				t.Fatalf("%s: %s: %v", cabName, file.Name, err)
			}
			member := out[file.Offset : file.Offset+file.Size]
			if got := md5hex(member); got != sum {
				t.Errorf("%s: %s: md5 %s, want %s", cabName, file.Name, got, sum)
			}
		}
		if seen != len(files) {
			t.Errorf("%s: found %d of %d expected members", cabName, seen, len(files))
		}
	}
}

// TestCorruptSamples: the historical LZX crashers must fail with ErrCorrupt.
func TestCorruptSamples(t *testing.T) {
	rawcab.ExpectFailure(t, []string{
		"libmspack-cabd/cve-2015-4471-lzx-under-read.cab",
		"libmspack-cabd/lzx-main-tree-no-lengths.cab",
		"libmspack-cabd/lzx-premature-matches.cab",
		"cabextract-tests/bugs/cve-2015-4471-lzx-under-read.cab",
		"cabextract-tests/bugs/lzx-main-tree-no-lengths.cab",
		"cabextract-tests/bugs/lzx-premature-matches.cab",
		"gcab-tests/CVE-2015-4471.cab",
	}, rawcab.MethodLZX, ErrCorrupt, func(f *rawcab.Folder) error {
		_, err := decodeFolder(t, f)
		return err
	})
}
