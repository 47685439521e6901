package cab

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
	"github.com/ohotfix/ohotfix/internal/safeopen"
)

// corpusDir returns shared/testdata/<sub> or skips (fails on CI).
func corpusDir(t testing.TB, sub string) string {
	t.Helper()
	return rawcab.TestdataDir(t, sub)
}

func openCorpus(t testing.TB, sub, name string) *Reader {
	t.Helper()
	r, err := OpenReader(filepath.Join(corpusDir(t, sub), name))
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// fileMD5 reads a member fully and returns its md5 in hex.
func fileMD5(f *File) (string, error) {
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	h := md5.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return "", err
	}
	if n != f.Size {
		return "", io.ErrUnexpectedEOF
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func readAll(t testing.TB, f *File) []byte {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatalf("open %s: %v", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %s: %v", f.Name, err)
	}
	return b
}

// findAllIn opens every cabinet FindAll finds in the file at path.
func findAllIn(t testing.TB, path string) []*Reader {
	t.Helper()
	f, size, err := safeopen.OpenSized(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	offs, err := FindAll(f, size)
	if err != nil {
		t.Fatal(err)
	}
	var out []*Reader
	for _, o := range offs {
		r, err := NewReaderAt(f, o, size)
		if err != nil {
			t.Fatalf("%s at %d: %v", path, o, err)
		}
		out = append(out, r)
	}
	return out
}
