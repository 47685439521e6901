package cab

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestChecksumVector(t *testing.T) {
	// rust-cab's vector: cbData = cbUncomp = 14, "Hello, world!\n".
	if got := blockChecksum([]byte("Hello, world!\n"), 14, 14); got != 0x7F2E1A4C {
		t.Fatalf("checksum %#x", got)
	}
}

func TestCabextractSimpleAndSplit(t *testing.T) {
	r := openCorpus(t, "cab/cabextract-tests/cabs", "simple.cab")
	if m, _ := fileMD5(r.Files[1]); m != "67c981a019c21f3f4bb8f92efe4d95a1" || r.Files[1].Modified.Format("02.01.2006 15:04:05") != "12.03.1997 11:15:14" {
		t.Errorf("welcome.c: %s %v", m, r.Files[1].Modified)
	}
	want := map[string]string{
		"small1.bin": "2ad5ba0f497f1e597ab187a2dfaa2e29", "small2.bin": "1f862f9e36a32a74202c1120b9f06af7",
		"medium1.bin": "0a7bd124a4c03a30329bd9ff06f71df7", "medium2.bin": "b4b0a02ad6a1170d4b3db18cec616fcc",
		"small3.bin": "bbaecacfeba976165e9d77bbecb0cbde", "medium3.bin": "b98fe17e8afbcf05aefc5b2c4badbc28",
	}
	dir := corpusDir(t, "cab/cabextract-tests/cabs")
	for i := 1; i <= 5; i++ {
		r, err := OpenSet(filepath.Join(dir, fmt.Sprintf("split-%d.cab", i)))
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Cabinets) != 5 || len(r.Files) != 6 || r.Header.SetID != 5988 || r.Header.DataReserve != 10 || len(r.Header.Reserve) != 100 || r.Header.FolderReserve != 50 {
			t.Errorf("split-%d: %d cabinets %d files %+v", i, len(r.Cabinets), len(r.Files), r.Header)
		}
		for _, f := range r.Files {
			if m, err := fileMD5(f); err != nil || m != want[f.Name] {
				t.Errorf("split-%d %s: %s %v", i, f.Name, m, err)
			}
		}
		r.Close()
	}
	// Without its neighbours the middle part cannot give its continued files.
	alone := openCorpus(t, "cab/cabextract-tests/cabs", "split-3.cab")
	n := 0
	for _, f := range alone.Files {
		if _, err := fileMD5(f); errors.Is(err, ErrIncompleteSet) {
			n++
		}
	}
	if n == 0 {
		t.Errorf("split-3 alone: no incomplete members")
	}
}

func TestCabextractMixedSearchDir(t *testing.T) {
	r := openCorpus(t, "cab/cabextract-tests/cabs", "mixed.cab")
	var all bytes.Buffer
	for _, f := range r.Files {
		all.Write(readAll(t, f))
	}
	for _, m := range []string{"MSZIP", "LZX", "Quantum"} {
		if !strings.Contains(all.String(), "If you can read this, the "+m+" decompressor is working!") {
			t.Errorf("mixed.cab: no %s text in %q", m, all.String())
		}
	}
	d := openCorpus(t, "cab/cabextract-tests/cabs", "dir.cab")
	if SafePath(d.Files[0].Name) != "plain.c" || SafePath(d.Files[1].Name) != "1/2/3/4.c" {
		t.Errorf("dir.cab: %q %q", d.Files[0].Name, d.Files[1].Name)
	}
	total := 0
	for _, r := range findAllIn(t, filepath.Join(corpusDir(t, "cab/cabextract-tests/cabs"), "search.cab")) {
		total += len(r.Files)
	}
	if total != 24 { // what cabextract -l lists
		t.Errorf("search.cab: %d entries", total)
	}
}

// TestCabextractDirwalk checks SafePath (`\` always a separator, as for
// names from MSI tables) on dirwalk-vulns.cab: nothing leaves the target.
// Extraction itself follows the cabinet's own separator, as cabextract
// (TestExtractMatchesCabextract).
func TestCabextractDirwalk(t *testing.T) {
	r := openCorpus(t, "cab/cabextract-tests/cabs", "dirwalk-vulns.cab")
	want := []string{"absolute/path", "absolute/xx/xx/and/relative/path", "absolute/path/reverse/slashes",
		"absolute/xx/xx/and/relative/path/reverse/slashes", "x", "x", "x", "x",
		"xx/relative/path", "xx/xx/relative/path", "xx/xx/xx/relative/path",
		"relative/xx/path", "relative/xx/xx/path", "relative/xx/xx/xx/path"}
	if len(r.Files) < len(want) {
		t.Fatalf("%d files", len(r.Files))
	}
	for i, w := range want {
		if got := SafePath(r.Files[i].Name); got != w {
			t.Errorf("%q → %q, want %q", r.Files[i].Name, got, w)
		}
	}
	for _, f := range r.Files {
		p := SafePath(f.Name)
		if strings.HasPrefix(p, "/") || strings.Contains("/"+p+"/", "/../") || strings.ContainsRune(p, 0) {
			t.Errorf("unsafe %q → %q", f.Name, p)
		}
	}
	// Extraction stays inside the target.
	dir := t.TempDir()
	target := filepath.Join(dir, "t")
	// Every member is written (issue 15: "\absolute\path\…" used to clash
	// with the file absolute/path), and nothing lands outside the target.
	written, err := ExtractAll(r, target, nil)
	if err != nil || len(written) != len(r.Files) {
		t.Errorf("%d of %d members written: %v", len(written), len(r.Files), err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("extraction wrote outside the target: %v", ents)
	}
}

func TestCabextractEncodings(t *testing.T) {
	dir := corpusDir(t, "cab/cabextract-tests/cabs")
	// latin1: stored without the UTF-8 flag, decoded as ISO-8859-1.
	r := openCorpus(t, "cab/cabextract-tests/cabs", "encoding-latin1.cab")
	raw, err := os.ReadFile(filepath.Join(dir, "encoding-latin1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]byte
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		if l := sc.Bytes(); len(l) > 0 && l[0] != '#' {
			lines = append(lines, append([]byte{}, l...))
		}
	}
	for i, f := range r.Files {
		if i >= len(lines) {
			break
		}
		if !bytes.Equal(f.RawName, lines[i]) || f.Name != decodeName(lines[i], false) || f.Attributes&AttrNameIsUTF != 0 {
			t.Errorf("latin1 %d: %q", i, f.Name)
		}
	}
	// UTF-8 names, valid and broken: never a crash, always valid Go strings.
	for _, name := range []string{"case-utf8.cab", "utf8-stresstest.cab", "case-ascii.cab", "encoding-koi8.cab", "encoding-sjis.cab"} {
		r := openCorpus(t, "cab/cabextract-tests/cabs", name)
		for _, f := range r.Files {
			if !strings.Contains(SafePath(f.Name), "") || strings.ContainsRune(SafePath(f.Name), 0) {
				t.Errorf("%s: %q", name, f.Name)
			}
		}
	}
	u := openCorpus(t, "cab/cabextract-tests/cabs", "case-utf8.cab")
	var found bool
	for _, f := range u.Files {
		if strings.Contains(f.Name, "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ") {
			found = true
		}
	}
	if !found {
		t.Errorf("case-utf8.cab: Greek name not decoded")
	}
}

// The historical crashers: each must end, every member with either its
// data or an ErrFormat-class error, fast.
func TestCabextractBugs(t *testing.T) {
	dir := corpusDir(t, "cab/cabextract-tests/bugs")
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		start := time.Now()
		r, err := OpenReader(filepath.Join(dir, e.Name()))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Errorf("%s: %v", e.Name(), err)
			}
			continue
		}
		ok := 0
		for _, f := range r.Files {
			if _, err := fileMD5(f); err == nil {
				ok++
			} else if !errors.Is(err, ErrFormat) {
				t.Errorf("%s/%s: %v", e.Name(), f.Name, err)
			}
		}
		r.Close()
		if e.Name() == "cve-2010-2801-qtm-flush.cab" && ok != len(r.Files) {
			t.Errorf("%s: %d of %d members", e.Name(), ok, len(r.Files))
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s took %v", e.Name(), d)
		}
	}
}

func TestGcabCorpus(t *testing.T) {
	sha := func(f *File) string {
		b := readAll(t, f)
		return fmt.Sprintf("%x", sha1.Sum(b))
	}
	for _, name := range []string{"test-none.cab", "test-mszip.cab"} {
		r := openCorpus(t, "cab/gcab-tests", name)
		if len(r.Files) != 2 || r.Files[0].Name != "test.sh" || r.Files[1].Name != "test.txt" {
			t.Fatalf("%s: files %v", name, r.Files)
		}
		if sha(r.Files[0]) != "82b4415cf30efc9b5877e366475d652f263c0ced" || sha(r.Files[1]) != "decc67ff4a11acd93430cbb18c7bbddd00abf4fa" {
			t.Errorf("%s: contents", name)
		}
		if r.Files[0].Attributes != AttrArchive {
			t.Errorf("%s: attributes %#x", name, r.Files[0].Attributes)
		}
	}
	s := openCorpus(t, "cab/gcab-tests", "test-signed.cab")
	res := s.Header.Reserve
	if len(res) != 20 || binary.LittleEndian.Uint32(res[4:]) != s.Header.Size || binary.LittleEndian.Uint32(res[8:]) != 2040 {
		t.Errorf("signed: reserve %x, size %d", res, s.Header.Size)
	}
	for _, f := range s.Files {
		readAll(t, f)
	}
	for _, name := range []string{"CVE-2014-9556.cab", "CVE-2014-9732.cab", "CVE-2015-4470.cab", "CVE-2015-4471.cab", "test-ncbytes-overflow.cab"} {
		r, err := OpenReader(filepath.Join(corpusDir(t, "cab/gcab-tests"), name))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		r.SkipChecksums = true
		failed := 0
		for _, f := range r.Files {
			if _, err := fileMD5(f); err != nil {
				if !errors.Is(err, ErrFormat) {
					t.Errorf("%s/%s: %v", name, f.Name, err)
				}
				failed++
			}
		}
		if failed == 0 {
			t.Errorf("%s: everything extracted", name)
		}
		r.Close()
	}
}

func TestGeneratedCorpus(t *testing.T) {
	md5s := map[string]map[string]string{
		"tiny-embedded.cab": {"AppTxt": "eeb25319b2e998fde49d71f504c2501c", "ReadmeTxt": "a78983bfc3503d4f8d73cbf3d17946f1", "BigTxt": "9610a222f2ba90e8a213d128b6e29eca"},
		"z.cab":             {"app.txt": "eeb25319b2e998fde49d71f504c2501c", "readme.txt": "a78983bfc3503d4f8d73cbf3d17946f1", "big.txt": "9610a222f2ba90e8a213d128b6e29eca"},
		"n.cab":             {"app.txt": "eeb25319b2e998fde49d71f504c2501c", "readme.txt": "a78983bfc3503d4f8d73cbf3d17946f1"},
		"mszip-dict.cab":    {"a.txt": "aa36e6ce90be9fac0255724850a23c42", "b.txt": "aa36e6ce90be9fac0255724850a23c42"},
	}
	for name, want := range md5s {
		r := openCorpus(t, "generated", name)
		if len(r.Files) != len(want) {
			t.Errorf("%s: %d files", name, len(r.Files))
		}
		for _, f := range r.Files {
			if m, err := fileMD5(f); err != nil || m != want[f.Name] {
				t.Errorf("%s/%s: %s %v", name, f.Name, m, err)
			}
		}
	}
	if r := openCorpus(t, "generated", "mszip-dict.cab"); r.Folders[0].NumBlocks != 6 {
		t.Errorf("mszip-dict: %d blocks", r.Folders[0].NumBlocks)
	}
	u := openCorpus(t, "generated", "utf.cab")
	f := u.Files[len(u.Files)-1]
	if f.Name != "tæst.txt" || f.Attributes != AttrArchive|AttrNameIsUTF || !f.Modified.Equal(time.Date(2020, 1, 2, 3, 4, 6, 0, time.UTC)) {
		t.Errorf("utf.cab: %q %#x %v", f.Name, f.Attributes, f.Modified)
	}
	p := openCorpus(t, "generated", "paths.cab")
	var sub bool
	for _, f := range p.Files {
		sub = sub || f.Name == `sub\inner.txt` && SafePath(f.Name) == "sub/inner.txt"
	}
	if !sub {
		t.Errorf("paths.cab: no sub\\inner.txt")
	}
	// The cabinet inside the MSI is found by Find.
	msi := filepath.Join(corpusDir(t, "generated"), "tiny.msi")
	fm, err := os.Open(msi)
	if err != nil {
		t.Fatal(err)
	}
	defer fm.Close()
	fi, err := fm.Stat()
	if err != nil {
		t.Fatal(err)
	}
	// Its cabinet stream is contiguous in the compound file (ohotfix cab
	// test relies on that too), so Find must see it.
	off, err := Find(fm, fi.Size())
	if err != nil {
		t.Fatalf("tiny.msi: %v", err)
	}
	r, err := NewReaderAt(fm, off, fi.Size())
	if err != nil || len(r.Files) != 3 {
		t.Errorf("cab in tiny.msi at %d: %v", off, err)
	}
}
