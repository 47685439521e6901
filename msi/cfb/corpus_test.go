package cfb

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// corpusDir returns shared/testdata/<sub> beside the module root (CI clones
// main with shared/ next to it), skipping the test when it is absent.
func corpusDir(t testing.TB, sub string) string {
	t.Helper()
	// This file sits in <module root>/msi/cfb; the compiler records its
	// path, so the corpus is found from any working directory or clone.
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test source file")
	}
	dir := filepath.Join(filepath.Dir(self), "..", "..")
	p := filepath.Join(dir, "..", "shared", "testdata", sub)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("test corpus %s missing: %v", p, err)
		}
		t.Skipf("test corpus %s missing (%v); it lives in shared/testdata beside the repo", p, err)
	}
	return p
}

// corpusFiles lists the compound files of the shared corpus.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	gen := corpusDir(t, "generated")
	less := corpusDir(t, filepath.Join("msi", "lessmsi"))
	var out []string
	for _, pat := range []string{
		filepath.Join(gen, "*.ms[itp]"),
		filepath.Join(less, "*.msi"),
		filepath.Join(less, "*.msp"),
	} {
		m, _ := filepath.Glob(pat)
		out = append(out, m...)
	}
	if len(out) < 10 {
		t.Fatalf("expected at least 10 compound files in the corpus, found %d", len(out))
	}
	return out
}

func openFile(t testing.TB, path string) (*Reader, *os.File) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewReader(f, fi.Size())
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return r, f
}
