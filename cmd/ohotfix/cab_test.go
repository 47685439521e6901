package main

import (
	"bytes"
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/exitcode"
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
	files := map[string][]byte{
		"a.txt":         []byte("alpha\n"),
		"sub/b.bin":     bytes.Repeat([]byte{1, 2, 3, 4, 5}, 40000),
		"sub/deep/c.md": bytes.Repeat([]byte("# heading\nsome text\n"), 5000),
		"zeros.dat":     make([]byte, 100000),
	}
	src := writeTree(t, files)
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
		} else {
			t.Log("cabextract missing (Debian package cabextract): interop check not run")
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

// cabextractPath returns cabextract's path, or skips (fails on CI).
func cabextractPath(t *testing.T) string {
	t.Helper()
	ce, err := exec.LookPath("cabextract")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("cabextract missing (Debian package cabextract)")
		}
		t.Skip("cabextract missing; install Debian package cabextract")
	}
	return ce
}

// writeTree writes files (name → data, `/` separators) under a new temp
// dir and returns it.
func writeTree(t *testing.T, files map[string][]byte) string {
	t.Helper()
	src := t.TempDir()
	for name, data := range files {
		p := filepath.Join(src, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

// makeTestCab writes files (name → data) under a temp dir and stores them
// with `cab create` into one MSZIP folder, in name order.
func makeTestCab(t *testing.T, files map[string][]byte, extra ...string) string {
	t.Helper()
	src := writeTree(t, files)
	out := filepath.Join(t.TempDir(), "t.cab")
	args := append([]string{"create", "-o", out, "-C", src}, extra...)
	if _, errOut, code := runCab(t, append(args, ".")...); code != exitcode.Success {
		t.Fatalf("create: %v\n%s", code, errOut)
	}
	return out
}

// reverseCFFiles rewrites the cabinet's CFFILE table in reverse order (the
// data stays where it is), so listing order walks the folder backwards.
func reverseCFFiles(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	off := int(binary.LittleEndian.Uint32(b[16:]))
	n := int(binary.LittleEndian.Uint16(b[28:]))
	var entries [][]byte
	p := off
	for range n {
		end := p + 16 + bytes.IndexByte(b[p+16:], 0) + 1
		entries = append(entries, append([]byte(nil), b[p:end]...))
		p = end
	}
	slices.Reverse(entries)
	if got := bytes.Join(entries, nil); copy(b[off:p], got) != len(got) {
		t.Fatal("CFFILE table changed size")
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// --filter matches as cabextract -F does: whole name, case-insensitive,
// `*` and `?` crossing `/`.
func TestCabCLIFilterMatchesCabextract(t *testing.T) {
	ce := cabextractPath(t)
	cabPath := makeTestCab(t, map[string][]byte{
		"A.TXT": []byte("a"), "b.txt": []byte("b"), "sub/text.txt": []byte("t"),
		"sub/z.dat": []byte("z"), "sub/deep/Q.Txt": []byte("q"),
	})
	for _, glob := range []string{"*.TXT", "*.txt", "sub/*", "SUB/*.TXT", "?ub?text.txt", "*[!t]", "[ab].txt", "*deep*", "a.txt", "nothing"} {
		want := cabextractNames(t, ce, "-l", "-F", glob, cabPath)
		dest := t.TempDir()
		out, errOut, code := runCab(t, "extract", "-d", dest, "--filter", glob, cabPath)
		if code != exitcode.Success {
			t.Fatalf("%q: %v\n%s", glob, code, errOut)
		}
		var got []string
		for _, line := range strings.Split(out, "\n") {
			if name, ok := strings.CutPrefix(line, "  extracted "); ok {
				got = append(got, filepath.ToSlash(name))
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("--filter %q selects %v; cabextract -F selects %v", glob, got, want)
		}
	}
}

// cabextractNames runs cabextract with args and returns the sorted member
// names of its listing.
func cabextractNames(t *testing.T, ce string, args ...string) []string {
	t.Helper()
	b, err := exec.Command(ce, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("cabextract %v: %v\n%s", args, err, b)
	}
	var names []string
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.SplitN(line, " | ", 3); len(f) == 3 && !strings.Contains(f[2], "Name") {
			names = append(names, strings.TrimSpace(f[2]))
		}
	}
	slices.Sort(names)
	return names
}

// -p writes members in listing order, byte-identical to cabextract -p,
// also when the listing walks the folder backwards (decoded once, spooled).
func TestCabCLIPipeReverseListing(t *testing.T) {
	ce := cabextractPath(t)
	files := map[string][]byte{}
	for i := range 200 {
		files[fmt.Sprintf("m%03d.bin", i)] = bytes.Repeat([]byte(fmt.Sprintf("member %d;", i)), 300+i)
	}
	cabPath := makeTestCab(t, files)
	reverseCFFiles(t, cabPath)
	want, err := exec.Command(ce, "-p", cabPath).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(want, files["m199.bin"]) {
		t.Fatal("cabextract -p did not start with the first listed (last stored) member")
	}
	for _, args := range [][]string{{"-p"}, {"-p", "-F", "m1*"}} {
		out, errOut, code := runCab(t, append([]string{"extract"}, append(args, cabPath)...)...)
		ceOut, _ := exec.Command(ce, append(args, cabPath)...).Output()
		if code != exitcode.Success || out != string(ceOut) {
			t.Errorf("extract %v: %v, %d bytes, cabextract %d bytes\n%s", args, code, len(out), len(ceOut), errOut)
		}
	}
	r, err := cab.OpenReader(cabPath)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if forwardInEachFolder(r.Files) {
		t.Error("reversed listing reported as forward")
	}
}

// Control bytes in member names are escaped on the terminal, not printed.
func TestCabCLIEscapesControlNames(t *testing.T) {
	cabPath := makeTestCab(t, map[string][]byte{"aXb.txt": []byte("x"), "cYd.txt": []byte("y")}, "--compress", "none")
	b, err := os.ReadFile(cabPath)
	if err != nil {
		t.Fatal(err)
	}
	b = bytes.Replace(b, []byte("aXb.txt"), []byte("a\x1bb.txt"), 1)
	b = bytes.Replace(b, []byte("cYd.txt"), []byte("c\x7fd.txt"), 1)
	if err := os.WriteFile(cabPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	list, _, _ := runCab(t, "list", cabPath)
	test, _, _ := runCab(t, "test", cabPath)
	ext, _, _ := runCab(t, "extract", "-d", t.TempDir(), cabPath)
	for what, out := range map[string]string{"list": list, "test": test} {
		if strings.ContainsAny(out, "\x1b\x7f") || !strings.Contains(out, `a\x1bb.txt`) || !strings.Contains(out, `c\x7fd.txt`) {
			t.Errorf("%s output:\n%q", what, out)
		}
	}
	// extract prints the written (SafePath-cleaned) paths.
	if strings.ContainsAny(ext, "\x1b\x7f") || strings.Count(ext, "extracted") != 2 {
		t.Errorf("extract output:\n%q", ext)
	}
	if got, want := displayName("d\\e\tf\x00g\x7fh\u00e9"), `d/e\x09f\x00g\x7fh`+"\u00e9"; got != want {
		t.Errorf("displayName = %q, want %q", got, want)
	}
}

func TestCabParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1048576": 1 << 20, "512K": 512 << 10, "10m": 10 << 20, "1G": 1 << 30, "8589934591G": 8589934591 << 30} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"99999999999999G", "8589934592G", "9007199254740992M", "-1K", "0", "K", "1T", ""} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
	_, _, code := runCab(t, "create", "-o", filepath.Join(t.TempDir(), "x.cab"), "--folder-size", "99999999999999G", "cab_test.go")
	if code != exitcode.InvalidCommandLine {
		t.Errorf("--folder-size overflow: %v, want 1639", code)
	}
}

// Two inputs stored under one name (any case) are refused, naming it.
func TestCabCLICreateRefusesDuplicateNames(t *testing.T) {
	src := writeTree(t, map[string][]byte{"a.txt": []byte("a")})
	out := filepath.Join(t.TempDir(), "b.cab")
	_, errOut, code := runCab(t, "create", "-o", out, "-C", src, ".", ".")
	if code != exitcode.InvalidCommandLine {
		t.Errorf("same dir twice: %v\n%s", code, errOut)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("refused create left an output file")
	}
	other := writeTree(t, map[string][]byte{"A.TXT": []byte("b")})
	if _, _, code := runCab(t, "create", "-o", out, "-C", src, "a.txt", filepath.Join(other, "A.TXT")); code != exitcode.Success {
		// Absolute paths keep their directories, so these differ.
		t.Errorf("distinct names refused: %v", code)
	}
	err := refuseDuplicateNames([]createInput{{path: "x/a.txt", name: "a.txt"}, {path: "y/A.TXT", name: "A.TXT"}})
	if err == nil || !strings.Contains(err.Error(), `"A.TXT"`) || exitcode.Of(err) != exitcode.InvalidCommandLine {
		t.Errorf("case-insensitive duplicate: %v", err)
	}
}
