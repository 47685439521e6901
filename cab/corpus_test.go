package cab

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// corpusDir returns shared/testdata/<sub>, found beside the module root
// (CI clones the repo next to shared/), or skips the test when absent.
func corpusDir(t testing.TB, sub string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file)) // the module root
	for _, base := range []string{filepath.Join(root, "..", "shared", "testdata"), filepath.Join(root, "shared", "testdata")} {
		d := filepath.Join(base, sub)
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("test corpus shared/testdata/%s not found beside the module root", sub)
	}
	t.Skipf("test corpus shared/testdata/%s not found beside the module root; skipping", sub)
	return ""
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
	f, size, err := openSized(path)
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
