package rawcab

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// CorpusDir returns the shared CAB test corpus (shared/testdata/cab beside
// the repository root). It skips the test when the corpus is absent, or
// fails it when the environment variable CI is "true".
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	return TestdataDir(tb, "cab")
}

// TestdataDir returns shared/testdata/<sub>, found beside the module root
// (CI clones the repository next to shared/) or inside it. It skips the
// test when the folder is absent, or fails it when CI=true.
func TestdataDir(tb testing.TB, sub string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("rawcab: no go.mod above the test directory")
		}
		dir = parent
	}
	for _, base := range []string{filepath.Join(dir, "..", "shared", "testdata"), filepath.Join(dir, "shared", "testdata")} {
		d := filepath.Join(base, sub)
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatalf("test corpus shared/testdata/%s not found beside the module root", sub)
	}
	tb.Skipf("test corpus shared/testdata/%s not found beside the module root; skipping", sub)
	return ""
}

// RequireLarge skips the test unless OHOTFIX_LARGE_TESTS=1: what says
// what the test would do.
func RequireLarge(tb testing.TB, what string) {
	tb.Helper()
	if os.Getenv("OHOTFIX_LARGE_TESTS") != "1" {
		tb.Skip("set OHOTFIX_LARGE_TESTS=1 to " + what)
	}
}

// OpenCorpus parses a cabinet of the corpus, given relative to CorpusDir.
func OpenCorpus(tb testing.TB, rel string) *Cabinet {
	tb.Helper()
	c, err := Open(filepath.Join(CorpusDir(tb), rel))
	if err != nil {
		tb.Fatalf("%s: %v", rel, err)
	}
	return c
}

// Cabextract returns the bytes cabextract (Debian package cabextract, built
// on libmspack) extracts for the member called name, as the reference
// output. It skips the test when cabextract is not installed (fails if
// CI=true).
func Cabextract(tb testing.TB, cabPath, name string) []byte {
	tb.Helper()
	bin := cabextractPath(tb)
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "-q", "-p", "-F", name, cabPath)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		tb.Fatalf("cabextract -p -F %s %s: %v: %s", name, cabPath, err, stderr.String())
	}
	return stdout.Bytes()
}

func cabextractPath(tb testing.TB) string { return testtools.LookPath(tb, "cabextract") }

// AddSeeds adds every folder of method in the named corpus cabinets to a
// decoder fuzzer's seed corpus as (first 4 KiB of payload, window bits,
// uncompressed size capped at maxSize).
func AddSeeds(f *testing.F, names []string, method int, maxSize int64) {
	f.Helper()
	for _, name := range names {
		cab := OpenCorpus(f, name)
		for _, folder := range cab.Folders {
			if folder.Method() == method {
				payload := folder.Payload()
				f.Add(payload[:min(len(payload), 4096)], folder.WindowBits(), min(folder.UncompressedSize(), maxSize))
			}
		}
	}
}

// ExpectFailure decodes every folder of the given method in the named
// corpus cabinets with decode and requires an error that matches want
// (errors.Is); a cabinet without such a folder is an error too. It is the shared body of the decoders' corrupt-sample tests.
func ExpectFailure(t *testing.T, names []string, method int, want error, decode func(*Folder) error) {
	t.Helper()
	for _, name := range names {
		cab := OpenCorpus(t, name)
		tried := 0
		for i := range cab.Folders {
			f := &cab.Folders[i]
			if f.Method() != method {
				continue
			}
			tried++
			if err := decode(f); !errors.Is(err, want) {
				t.Errorf("%s folder %d: got %v, want %v", name, i, err, want)
			} else {
				t.Logf("%s folder %d: %v", name, i, err)
			}
		}
		if tried == 0 {
			t.Errorf("%s: no folder of method %d to decode", name, method)
		}
	}
}
