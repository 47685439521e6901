package cab

import (
	"crypto/sha256"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// treeOf lists every path below dir (slash-separated, folders with a
// trailing /) with a hash of each file's contents.
func treeOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		h := sha256.Sum256(b)
		out[rel] = string(h[:8])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func diffTreeKeys(want, got map[string]string) string {
	var d []string
	for k, v := range want {
		if g, ok := got[k]; !ok {
			d = append(d, "missing "+k)
		} else if g != v {
			d = append(d, "differs "+k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			d = append(d, "extra   "+k)
		}
	}
	sort.Strings(d)
	return strings.Join(d, "\n")
}

// Issue 15 regressions: cabinets cabextract extracts completely must be
// extracted completely, to the same paths, with the same contents.
//   - normal_255c_filename.cab: a member name of 255 bytes, the file-name
//     limit; a temporary name derived from it would exceed the limit.
//   - dirwalk-vulns.cab: names with `/` and with `\`; cabextract decides
//     per cabinet which one separates (here `/`, so `\` is part of a name
//     and "\absolute\path…" does not clash with the file "absolute/path"),
//     and decodes overlong UTF-8 `/` as `/`.
func TestExtractMatchesCabextract(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("cabextract trees are POSIX trees (`\\` in names)")
	}
	cases := []struct{ sub, name string }{
		{"cab/libmspack-cabd", "normal_255c_filename.cab"},
		{"cab/cabextract-tests/cabs", "dirwalk-vulns.cab"},
		{"cab/cabextract-tests/cabs", "simple.cab"},
		{"cab/cabextract-tests/cabs", "dir.cab"},
		{"cab/cabextract-tests/cabs", "case-utf8.cab"},
	}
	ce := testtools.LookPath(t, "cabextract")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(corpusDir(t, c.sub), c.name)
			r, err := OpenReader(path)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			ours := filepath.Join(t.TempDir(), "ours")
			written, err := ExtractAll(r, ours, nil)
			if err != nil {
				t.Fatalf("ExtractAll: %v", err)
			}
			if len(written) != len(r.Files) {
				t.Errorf("%d of %d members written", len(written), len(r.Files))
			}
			theirs := filepath.Join(t.TempDir(), "theirs")
			if out, err := exec.Command(ce, "-q", "-d", theirs, path).CombinedOutput(); err != nil {
				t.Fatalf("cabextract: %v\n%s", err, out)
			}
			if d := diffTreeKeys(treeOf(t, theirs), treeOf(t, ours)); d != "" {
				t.Errorf("extracted tree differs from cabextract's:\n%s", d)
			}
		})
	}
}

// The same two cabinets without cabextract installed: every member is
// written, and the paths cabextract 1.9 writes (checked above) are there.
func TestExtractLongNamesAndMixedSeparators(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("POSIX names")
	}
	r := openCorpus(t, "cab/libmspack-cabd", "normal_255c_filename.cab")
	dir := t.TempDir()
	written, err := ExtractAll(r, dir, nil)
	if err != nil || len(written) != len(r.Files) {
		t.Fatalf("255-byte name: %v, wrote %v", err, written)
	}
	long := ""
	for _, w := range written {
		if len(w) > len(long) {
			long = w
		}
	}
	if len(long) != 255 {
		t.Errorf("longest name written is %d bytes, want 255", len(long))
	}
	if ents, _ := os.ReadDir(dir); len(ents) != len(r.Files) {
		t.Errorf("%d entries in the target (temporary files left?), want %d", len(ents), len(r.Files))
	}

	d := openCorpus(t, "cab/cabextract-tests/cabs", "dirwalk-vulns.cab")
	if !UnixSeparators(d.Files) {
		t.Fatalf("dirwalk-vulns.cab: cabextract takes `/` as the separator")
	}
	dir = filepath.Join(t.TempDir(), "t")
	_, err = ExtractAll(d, dir, nil)
	if err != nil {
		t.Fatalf("dirwalk-vulns.cab: %v", err)
	}
	for _, w := range []string{"absolute/path", `absolute\path\reverse\slashes`,
		`absolute\xx\xx\and\relative\path\reverse\slashes`, "x", "xx/xx/relative/path",
		"absolute/path3b", "relative/xx/xx/path4b"} {
		if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(w))); err != nil {
			t.Errorf("%s not extracted: %v", w, err)
		}
	}
	if ents, _ := os.ReadDir(filepath.Dir(dir)); len(ents) != 1 {
		t.Errorf("extraction wrote outside the target: %v", ents)
	}
}

func TestUnixSeparators(t *testing.T) {
	files := func(names ...string) []*File {
		var out []*File
		for _, n := range names {
			out = append(out, &File{FileHeader: FileHeader{Name: n}})
		}
		return out
	}
	for _, c := range []struct {
		names []string
		want  bool
	}{
		{[]string{"a.txt", "b.txt"}, false},
		{[]string{`a\b.txt`, "c"}, false},
		{[]string{"a/b.txt", "c"}, true},
		{[]string{`a\b/c`}, false},
		{[]string{`a/b\c`}, true},
		{[]string{`x\y`, "a/b", "a/c"}, true},
		{[]string{"x/y", `a\b`, `a\c`}, false},
		{[]string{"x/y", `a\b`}, false}, // no consecutive pair agrees: MS-DOS
	} {
		if got := UnixSeparators(files(c.names...)); got != c.want {
			t.Errorf("UnixSeparators(%q) = %v, want %v", c.names, got, c.want)
		}
	}
	if runtime.GOOS != "windows" {
		for in, want := range map[string]string{
			`\a\..\b`: `a\xx\b`, `/x/../y`: "x/xx/y", `\\\\`: "x", `/\/a`: "a", `a\b/c`: `a\b/c`,
		} {
			if got := SafePathSep(in, true); got != want {
				t.Errorf("SafePathSep(%q, unix) = %q, want %q", in, got, want)
			}
		}
	}
}

func TestDecodeLaxUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                    "plain",
		"κόσμε":                    "κόσμε",
		"a\xe0\x80\xafb":           "a/b",            // overlong '/' taken at its value, as cabextract
		"a\xc0\xafb":               "a\ufffd\ufffdb", // C0 never starts a sequence
		"a\xe0\x80\x80b":           "a\ufffdb",       // overlong NUL
		"\xef\xbf\xbe\xef\xbf\xbf": "\ufffd\ufffd",   // U+FFFE, U+FFFF
		"\xed\xa0\x80":             "\ufffd",         // a surrogate
		"\xf8\x80\x80\x80\xaf":     strings.Repeat("\ufffd", 5),
	} {
		if got := decodeLaxUTF8([]byte(in)); got != want {
			t.Errorf("decodeLaxUTF8(%q) = %q, want %q", in, got, want)
		}
	}
}

// Issue 15: extraction never writes into a folder that exists as a symbolic
// link inside the target, whether it points outside (os.Root stops that) or
// at another folder of the target.
func TestExtractRefusesLinkedFoldersInTarget(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	r := openCorpus(t, "cab/cabextract-tests/cabs", "dir.cab") // plain.c, 1/2/3/4.c
	for _, where := range []string{"outside", "inside"} {
		base := t.TempDir()
		target := filepath.Join(base, "t")
		other := filepath.Join(base, "outside")
		if where == "inside" {
			other = filepath.Join(target, "elsewhere")
		}
		for _, d := range []string{target, other} {
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink(other, filepath.Join(target, "1")); err != nil {
			t.Fatal(err)
		}
		_, err := ExtractAll(r, target, nil)
		if err == nil || !strings.Contains(err.Error(), "symbolic link") {
			t.Errorf("%s: ExtractAll = %v, want a refusal naming the link", where, err)
		}
		if ents, _ := os.ReadDir(other); len(ents) != 0 {
			t.Errorf("%s: written through the link: %v", where, ents)
		}
		if _, err := os.Stat(filepath.Join(target, "plain.c")); err != nil {
			t.Errorf("%s: the other member was not extracted: %v", where, err)
		}
	}
}
