package cab

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/safeopen"
)

// Expectations from libmspack's cabd_test.c, as summarised in
// shared/testdata/cab/libmspack-cabd/README.md.

func TestLibmspackNormalHeader(t *testing.T) {
	r := openCorpus(t, "cab/libmspack-cabd", "normal_2files_1folder.cab")
	h := r.Header
	if h.Size != 253 || h.SetID != 1570 || h.Index != 0 || h.Flags != 0 || len(r.Folders) != 1 {
		t.Fatalf("header %+v, %d folders", h, len(r.Folders))
	}
	fo := r.Folders[0]
	if fo.Compression().Method() != MethodNone || fo.NumBlocks != 1 {
		t.Errorf("folder: %v, %d blocks", fo.Compression(), fo.NumBlocks)
	}
	want := []struct {
		name   string
		size   int64
		offset int64
		tm     time.Time
	}{
		{"hello.c", 77, 0, time.Date(1997, 3, 12, 11, 13, 52, 0, time.UTC)},
		{"welcome.c", 74, 77, time.Date(1997, 3, 12, 11, 15, 14, 0, time.UTC)},
	}
	if len(r.Files) != len(want) {
		t.Fatalf("%d files", len(r.Files))
	}
	for i, w := range want {
		f := r.Files[i]
		if f.Name != w.name || f.Size != w.size || f.Offset != w.offset || !f.Modified.Equal(w.tm) || f.Attributes != AttrArchive {
			t.Errorf("file %d: %q %d %d %v %#x", i, f.Name, f.Size, f.Offset, f.Modified, f.Attributes)
		}
	}
	if m, err := fileMD5(r.Files[0]); err != nil || m != "c2535936b8908b1f8a28b7724a2c2045" {
		t.Errorf("hello.c: %s %v", m, err)
	}
}

func TestLibmspackReserves(t *testing.T) {
	for _, name := range []string{"---", "--D", "-F-", "-FD", "H--", "H-D", "HF-", "HFD"} {
		r := openCorpus(t, "cab/libmspack-cabd", "reserve_"+name+".cab")
		h := r.Header
		wantSize := func(letter byte, n int) int {
			if strings.IndexByte(name, letter) >= 0 {
				return n
			}
			return 0
		}
		if h.Flags&flagReservePresent == 0 || len(h.Reserve) != wantSize('H', 26) ||
			h.FolderReserve != wantSize('F', 26) || h.DataReserve != wantSize('D', 24) {
			t.Errorf("%s: flags %#x reserves %d/%d/%d", name, h.Flags, len(h.Reserve), h.FolderReserve, h.DataReserve)
		}
		if len(r.Files) != 2 || r.Files[0].Name != "test1.txt" || r.Files[1].Name != "test2.txt" || r.Folders[0].NumBlocks != 2 {
			t.Errorf("%s: %d files, %d blocks", name, len(r.Files), r.Folders[0].NumBlocks)
		}
		for _, f := range r.Files {
			if b := readAll(t, f); int64(len(b)) != f.Size {
				t.Errorf("%s/%s: %d bytes", name, f.Name, len(b))
			}
		}
	}
}

func TestLibmspackOpenFailures(t *testing.T) {
	dir := corpusDir(t, "cab/libmspack-cabd")
	cases := map[string]error{
		"bad_signature.cab":             ErrSignature,
		"bad_nofolders.cab":             ErrFormat,
		"bad_nofiles.cab":               ErrFormat,
		"bad_folderindex.cab":           ErrFormat,
		"filename-read-violation-1.cab": ErrFormat,
		"partial_shortheader.cab":       ErrTruncated,
		"partial_shortextheader.cab":    ErrTruncated,
		"partial_nofolder.cab":          ErrTruncated,
		"partial_shortfolder.cab":       ErrTruncated,
		"partial_nofiles.cab":           ErrTruncated,
		"partial_shortfile1.cab":        ErrTruncated,
		"partial_shortfile2.cab":        ErrTruncated,
	}
	for _, s := range []string{"nopname", "shortpname", "nopinfo", "shortpinfo", "nonname", "shortnname", "noninfo", "shortninfo", "nofname", "shortfname"} {
		cases["partial_str_"+s+".cab"] = ErrFormat // DATAFORMAT or READ: both are ErrFormat
	}
	for name, kind := range cases {
		r, err := OpenReader(filepath.Join(dir, name))
		if err == nil {
			r.Close()
			t.Errorf("%s: opened", name)
			continue
		}
		if !errors.Is(err, kind) || !errors.Is(err, ErrFormat) {
			t.Errorf("%s: %v is not %v", name, err, kind)
		}
	}
}

func TestLibmspackOpens(t *testing.T) {
	for _, name := range []string{"partial_nodata.cab", "normal_255c_filename.cab", "hidden-files.cab",
		"hidden-file-beyond-eof.cab", "hidden-file-bad-folderid.cab"} {
		r := openCorpus(t, "cab/libmspack-cabd", name)
		switch name {
		case "normal_255c_filename.cab":
			if len(r.Files[0].Name) != 255 {
				t.Errorf("255c: name of %d bytes", len(r.Files[0].Name))
			}
		case "hidden-files.cab":
			if len(r.Files) != 2 || r.Files[0].Name != "normal1.txt" || r.Files[1].Name != "normal2.txt" {
				t.Errorf("hidden-files: %d files", len(r.Files))
			}
		case "partial_nodata.cab":
			for _, f := range r.Files {
				if _, err := fileMD5(f); !errors.Is(err, ErrFormat) && f.Size > 0 {
					t.Errorf("partial_nodata %s: %v", f.Name, err)
				}
			}
		}
	}
	// Over-long name: must fail cleanly or open, never over-read.
	if r, err := OpenReader(filepath.Join(corpusDir(t, "cab/libmspack-cabd"), "cve-2017-11423-fname-overread.cab")); err == nil {
		r.Close()
	} else if !errors.Is(err, ErrFormat) {
		t.Errorf("cve-2017-11423: %v", err)
	}
}

func TestLibmspackExtractMD5(t *testing.T) {
	r := openCorpus(t, "cab/libmspack-cabd", "mszip_lzx_qtm.cab")
	want := map[string]string{
		"mszip.txt": "940cba86658fbceb582faecd2b5975d1",
		"lzx.txt":   "703474293b614e7110b3eb8ac2762b53",
		"qtm.txt":   "98fcfa4962a0f169a3c7fdbcb445cf17",
	}
	if len(r.Folders) != 3 {
		t.Fatalf("%d folders", len(r.Folders))
	}
	comps := []Compression{r.Folders[0].Compression(), r.Folders[1].Compression(), r.Folders[2].Compression()}
	if comps[0].Method() != MethodMSZIP || comps[1] != LZX(18) || comps[2].Method() != MethodQuantum || comps[2].WindowBits() != 18 || comps[2].Level() != 2 {
		t.Errorf("compressions %v", comps)
	}
	for _, f := range r.Files {
		if m, err := fileMD5(f); err != nil || m != want[f.Name] {
			t.Errorf("%s: %s %v", f.Name, m, err)
		}
	}
}

// permutations returns every ordering of 0..n-1.
func permutations(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, p := range permutations(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]int{}, p[:i]...), n-1), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}

func TestLibmspackAllOrders(t *testing.T) {
	r := openCorpus(t, "cab/libmspack-cabd", "normal_2files_2folders.cab")
	want := []string{"59571918d5be925ad8aec9f5d7369cf5", "cb18e329a9effc70aa07a7061844b584",
		"67c5cd73e661fa667b8de3d8a5f6f3bf", "5182c12627058cf1afd4e6ce8f10d635"}
	if len(r.Files) != 4 {
		t.Fatalf("%d files", len(r.Files))
	}
	orders := permutations(4)
	if len(orders) != 24 {
		t.Fatalf("%d orders", len(orders))
	}
	for _, order := range orders {
		for _, i := range order {
			if m, err := fileMD5(r.Files[i]); err != nil || m != want[i] {
				t.Fatalf("order %v, file %d: %s %v", order, i, m, err)
			}
		}
	}
}

// corruptCabs must open, and every member must fail with an ErrFormat-class
// error quickly.
var corruptCabs = []string{
	"cve-2010-2800-mszip-infinite-loop.cab", "cve-2014-9556-qtm-infinite-loop.cab",
	"cve-2015-4470-mszip-over-read.cab", "cve-2015-4471-lzx-under-read.cab",
	"cve-2018-18584-qtm-max-size-block.cab", "filename-read-violation-2.cab",
	"filename-read-violation-3.cab", "filename-read-violation-4.cab",
	"lzx-main-tree-no-lengths.cab", "lzx-premature-matches.cab",
}

func TestLibmspackCorruptExtraction(t *testing.T) {
	for _, name := range corruptCabs {
		r := openCorpus(t, "cab/libmspack-cabd", name)
		start := time.Now()
		for _, f := range r.Files {
			if _, err := fileMD5(f); err == nil {
				t.Errorf("%s/%s: extracted", name, f.Name)
			} else if !errors.Is(err, ErrFormat) {
				t.Errorf("%s/%s: %v is not ErrFormat", name, f.Name, err)
			}
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: %v", name, d)
		}
	}
}

func TestLibmspackInvalidFolderDoesNotSpoilOthers(t *testing.T) {
	r := openCorpus(t, "cab/libmspack-cabd", "cve-2014-9732-folders-segfault.cab")
	if len(r.Files) < 2 {
		t.Fatalf("%d files", len(r.Files))
	}
	first, err := fileMD5(r.Files[0])
	if err != nil {
		t.Fatalf("file 1: %v", err)
	}
	if _, err := fileMD5(r.Files[1]); !errors.Is(err, ErrFormat) {
		t.Errorf("file 2: %v", err)
	}
	if again, err := fileMD5(r.Files[0]); err != nil || again != first {
		t.Errorf("file 1 again: %s %v", again, err)
	}
}

// multiOpener maps the stored names "cabd_multi_basic_ptN.cab" to the files
// (which lack the "cabd_" prefix).
func multiOpener(dir string) Opener {
	return func(name string) (io.ReaderAt, int64, error) {
		return safeopen.OpenSized(filepath.Join(dir, strings.TrimPrefix(name, "cabd_")))
	}
}

func checkMultiMerged(t *testing.T, r *Reader) {
	t.Helper()
	if len(r.Cabinets) != 5 || len(r.Folders) != 1 || len(r.Files) != 3 {
		t.Fatalf("%d cabinets, %d folders, %d files", len(r.Cabinets), len(r.Folders), len(r.Files))
	}
	for _, f := range r.Files {
		if b := readAll(t, f); int64(len(b)) != f.Size {
			t.Errorf("%s: %d bytes", f.Name, len(b))
		}
	}
}

func TestLibmspackMerge(t *testing.T) {
	dir := corpusDir(t, "cab/libmspack-cabd")
	var parts []*Reader
	for i := 1; i <= 5; i++ {
		parts = append(parts, openCorpus(t, "cab/libmspack-cabd", fmt.Sprintf("multi_basic_pt%d.cab", i)))
	}
	joined, err := JoinSet(parts...)
	if err != nil {
		t.Fatal(err)
	}
	checkMultiMerged(t, joined)
	if joined.Header.SetID != 12345 {
		t.Errorf("set id %d", joined.Header.SetID)
	}
	// Self, nil and duplicate merges are refused.
	if _, err := JoinSet(parts[0], parts[0]); !errors.Is(err, ErrSetMismatch) {
		t.Errorf("self merge: %v", err)
	}
	if _, err := JoinSet(parts[0], nil); !errors.Is(err, ErrSetMismatch) {
		t.Errorf("nil merge: %v", err)
	}
	if _, err := JoinSet(parts[0], parts[1], parts[1]); !errors.Is(err, ErrSetMismatch) {
		t.Errorf("double merge: %v", err)
	}
	// Out of order: pt2 does not follow pt3.
	if _, err := JoinSet(parts[2], parts[1]); err == nil {
		t.Errorf("pt3+pt2 merged")
	}
	// Following the set through an opener, from the first and a middle part.
	for _, start := range []string{"multi_basic_pt1.cab", "multi_basic_pt3.cab"} {
		f, err := os.Open(filepath.Join(dir, start))
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		r, err := NewSetReader(f, fi.Size(), multiOpener(dir))
		if err != nil {
			t.Fatal(err)
		}
		checkMultiMerged(t, r)
		r.Close()
	}
	// Alone, the first part's folder runs into the missing cabinet.
	alone := parts[0]
	var sawIncomplete bool
	for _, f := range alone.Files {
		if _, err := fileMD5(f); errors.Is(err, ErrIncompleteSet) {
			sawIncomplete = true
		}
	}
	if !sawIncomplete {
		t.Errorf("pt1 alone: no ErrIncompleteSet")
	}
}

func TestLibmspackSearch(t *testing.T) {
	dir := corpusDir(t, "cab/libmspack-cabd")
	find := func(name string) []int64 {
		var offs []int64
		for _, r := range findAllIn(t, filepath.Join(dir, name)) {
			offs = append(offs, r.Cabinets[0].Offset)
			for _, file := range r.Files {
				readAll(t, file)
			}
		}
		return offs
	}
	if got := find("search_basic.cab"); fmt.Sprint(got) != "[6 265]" {
		t.Errorf("search_basic: %v", got)
	}
	if got := find("search_tricky1.cab"); fmt.Sprint(got) != "[4]" {
		t.Errorf("search_tricky1: %v", got)
	}
	f, _ := os.Open(filepath.Join(dir, "search_tricky1.cab"))
	defer f.Close()
	if off, err := Find(f, 1<<20); err != nil || off != 4 {
		t.Errorf("Find: %d %v", off, err)
	}
	if _, err := Find(strings.NewReader(strings.Repeat("MSCF no cabinet here ", 100)), 2100); !errors.Is(err, ErrNotFound) {
		t.Errorf("Find in junk: %v", err)
	}
}
