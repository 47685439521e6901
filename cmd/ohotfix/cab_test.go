package main

import (
	"bytes"
	"crypto/md5"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/bootstrap/exitcode"
)

// cabCorpus returns shared/testdata/cab/<sub> beside the module root, or
// skips (fails on CI) when it is absent.
func cabCorpus(t *testing.T, sub string) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	d := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "testdata", sub)
	if _, err := os.Stat(d); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus %s missing", d)
		}
		t.Skipf("corpus %s missing; skipping", d)
	}
	return d
}

// runCab runs the CLI in-process and returns stdout, stderr and the full
// result code.
func runCab(t *testing.T, args ...string) (string, string, exitcode.Code) {
	t.Helper()
	var out, errb bytes.Buffer
	app := newApp(strings.NewReader(""), &out, &errb)
	app.ExitErrHandler = func(*cli.Context, error) {}
	err := app.Run(append([]string{"ohotfix", "cab"}, args...))
	return out.String(), errb.String(), exitcode.Of(err)
}

func TestCabCLIList(t *testing.T) {
	dir := cabCorpus(t, "cab/cabextract-tests/cabs")
	out, _, code := runCab(t, "list", filepath.Join(dir, "split-1.cab"))
	if code != exitcode.Success {
		t.Fatalf("code %v\n%s", code, out)
	}
	for _, want := range []string{"split-5.cab", "medium3.bin", "40000 | 17.07.2018 08:52:54 | ---a-- |", "MSZIP", "6 files in 4 folders"} {
		if !strings.Contains(out, want) {
			t.Errorf("list output lacks %q:\n%s", want, out)
		}
	}
	out, _, _ = runCab(t, "list", filepath.Join(cabCorpus(t, "cab/libmspack-cabd"), "mszip_lzx_qtm.cab"))
	if !strings.Contains(out, "LZX:18") || !strings.Contains(out, "Quantum:2:18") {
		t.Errorf("compression column:\n%s", out)
	}
}

func TestCabCLIErrors(t *testing.T) {
	lib := cabCorpus(t, "cab/libmspack-cabd")
	cases := []struct {
		args []string
		code exitcode.Code
	}{
		{[]string{"list"}, exitcode.InvalidCommandLine},
		{[]string{"list", "a.cab", "b.cab"}, exitcode.InvalidCommandLine},
		{[]string{"list", filepath.Join(t.TempDir(), "missing.cab")}, exitcode.PackageOpenFailed},
		{[]string{"list", filepath.Join(lib, "bad_signature.cab")}, exitcode.PackageInvalid},
		{[]string{"test", filepath.Join(lib, "cve-2015-4471-lzx-under-read.cab")}, exitcode.PackageInvalid},
		{[]string{"extract", "-p", filepath.Join(lib, "cve-2010-2800-mszip-infinite-loop.cab")}, exitcode.PackageInvalid},
		{[]string{"create", "-o", filepath.Join(t.TempDir(), "x.cab"), "--compress", "lzx", "x"}, exitcode.InvalidCommandLine},
		{[]string{"create", "-o", filepath.Join(t.TempDir(), "x.cab")}, exitcode.InvalidCommandLine},
		{[]string{"extract", "--filter", "[", filepath.Join(lib, "normal_2files_1folder.cab")}, exitcode.InvalidCommandLine},
	}
	for _, c := range cases {
		if _, errOut, code := runCab(t, c.args...); code != c.code {
			t.Errorf("%v: code %v, want %v\n%s", c.args, code, c.code, errOut)
		}
	}
}

func TestCabCLITestAndPipe(t *testing.T) {
	lib := cabCorpus(t, "cab/libmspack-cabd")
	out, _, code := runCab(t, "test", filepath.Join(lib, "mszip_lzx_qtm.cab"))
	if code != exitcode.Success || !strings.Contains(out, "703474293b614e7110b3eb8ac2762b53") || !strings.Contains(out, "All 3 files OK") {
		t.Errorf("test: %v\n%s", code, out)
	}
	mixed := filepath.Join(cabCorpus(t, "cab/cabextract-tests/cabs"), "mixed.cab")
	out, _, code = runCab(t, "extract", "-p", "--filter", "*LZX*", mixed)
	if code != exitcode.Success || !strings.Contains(out, "the LZX decompressor is working!") || strings.Contains(out, "MSZIP") {
		t.Errorf("pipe: %v %q", code, out)
	}
}

func TestCabCLICreateExtractRoundTrip(t *testing.T) {
	src := t.TempDir()
	files := map[string][]byte{
		"a.txt":         []byte("alpha\n"),
		"sub/b.bin":     bytes.Repeat([]byte{1, 2, 3, 4, 5}, 40000),
		"sub/deep/c.md": bytes.Repeat([]byte("# heading\nsome text\n"), 5000),
		"zeros.dat":     make([]byte, 100000),
	}
	for name, data := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, method := range []string{"mszip", "none"} {
		out := filepath.Join(t.TempDir(), "out.cab")
		if _, errOut, code := runCab(t, "create", "-o", out, "--compress", method, "--folder-size", "64K", "-C", src, "."); code != exitcode.Success {
			t.Fatalf("create %s: %v\n%s", method, code, errOut)
		}
		dest := t.TempDir()
		if _, errOut, code := runCab(t, "extract", "-q", "-d", dest, out); code != exitcode.Success {
			t.Fatalf("extract: %v\n%s", code, errOut)
		}
		for name, data := range files {
			got, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(name)))
			if err != nil || !bytes.Equal(got, data) {
				t.Errorf("%s %s: %v", method, name, err)
			}
		}
		listing, _, _ := runCab(t, "list", out)
		if !strings.Contains(listing, "sub/deep/c.md") || strings.Contains(listing, "./") {
			t.Errorf("stored names:\n%s", listing)
		}
		// cabextract agrees, byte for byte.
		if ce, err := exec.LookPath("cabextract"); err == nil {
			b, err := exec.Command(ce, "-t", out).CombinedOutput()
			if err != nil {
				t.Errorf("cabextract -t: %v\n%s", err, b)
			}
			for name, data := range files {
				if !strings.Contains(string(b), fmt.Sprintf("%x", md5.Sum(data))) {
					t.Errorf("cabextract md5 of %s missing:\n%s", name, b)
				}
			}
		} else if os.Getenv("CI") == "true" {
			t.Fatal("cabextract missing (Debian package cabextract)")
		}
	}
}

// TestCabCLISpannedSet: given one cabinet of a set, extract follows the
// whole set (names in the headers differ in case from the files).
func TestCabCLISpannedSet(t *testing.T) {
	dir := cabCorpus(t, "cab/cabextract-tests/cabs")
	want := map[string]string{
		"small1.bin": "2ad5ba0f497f1e597ab187a2dfaa2e29", "small2.bin": "1f862f9e36a32a74202c1120b9f06af7",
		"medium1.bin": "0a7bd124a4c03a30329bd9ff06f71df7", "medium2.bin": "b4b0a02ad6a1170d4b3db18cec616fcc",
		"small3.bin": "bbaecacfeba976165e9d77bbecb0cbde", "medium3.bin": "b98fe17e8afbcf05aefc5b2c4badbc28",
	}
	dest := t.TempDir()
	if _, errOut, code := runCab(t, "extract", "-d", dest, filepath.Join(dir, "split-1.cab")); code != exitcode.Success {
		t.Fatalf("extract: %v\n%s", code, errOut)
	}
	for name, sum := range want {
		b, err := os.ReadFile(filepath.Join(dest, name))
		if err != nil || fmt.Sprintf("%x", md5.Sum(b)) != sum {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A lone middle part cannot be fully tested: non-zero exit.
	lone := t.TempDir()
	b, _ := os.ReadFile(filepath.Join(dir, "split-3.cab"))
	os.WriteFile(filepath.Join(lone, "split-3.cab"), b, 0o644)
	if _, _, code := runCab(t, "test", filepath.Join(lone, "split-3.cab")); code != exitcode.PackageInvalid {
		t.Errorf("lone split-3 test: %v", code)
	}
}

// TestCabCLIEmbedded: a file that is not a cabinet at offset 0 is searched
// (a fake header before the real one; the cabinet stream inside an MSI).
func TestCabCLIEmbedded(t *testing.T) {
	out, _, code := runCab(t, "list", filepath.Join(cabCorpus(t, "cab/libmspack-cabd"), "search_tricky1.cab"))
	if code != exitcode.Success || !strings.Contains(out, "@4 ") || !strings.Contains(out, "welcome.c") {
		t.Errorf("tricky1: %v\n%s", code, out)
	}
	out, _, code = runCab(t, "test", filepath.Join(cabCorpus(t, "generated"), "tiny.msi"))
	if code != exitcode.Success || !strings.Contains(out, "9610a222f2ba90e8a213d128b6e29eca") {
		t.Errorf("tiny.msi: %v\n%s", code, out)
	}
}
