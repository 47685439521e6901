package msi

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	f *os.File
	n atomic.Int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.f.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

// TestLazyOpen: reading the summary and the Property table of a package must
// not read its cabinets, binary streams or other tables: only the directory,
// the string pool (which Property's strings need; 278 KiB of vcredist's
// 2.7 MB), the catalog, the summary and Property itself.
func TestLazyOpen(t *testing.T) {
	for _, name := range []string{"vcredist.msi", "ExtractOnlySomeFiles.msi"} {
		path := filepath.Join(sharedDir(t, "msi/lessmsi"), name)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := f.Stat()
		cr := &countingReaderAt{f: f}
		db, err := OpenReader(cr, fi.Size())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Summary(); err != nil {
			t.Fatal(err)
		}
		p, err := db.Table("Property")
		if err != nil || p.Len() == 0 {
			t.Fatalf("Property: %v", err)
		}
		if read := cr.n.Load(); read*6 > fi.Size() {
			t.Errorf("%s: read %d of %d bytes for summary + Property", name, read, fi.Size())
		} else {
			t.Logf("%s: read %d of %d bytes", name, read, fi.Size())
		}
		f.Close()
	}
}

// TestStreamsMatchMsiinfo: our stream list is msiinfo's (as a set).
func TestStreamsMatchMsiinfo(t *testing.T) {
	testtools.LookPath(t, "msiinfo")
	for _, f := range corpusDatabases(t) {
		want := strings.Fields(run(t, "", "msiinfo", "streams", f))
		db, err := Open(f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range db.Streams() {
			got = append(got, strings.TrimSpace(s))
		}
		db.Close()
		sort.Strings(want)
		sort.Strings(got)
		if strings.Join(want, "\n") != strings.Join(got, "\n") {
			t.Errorf("%s: streams\n want %q\n got  %q", filepath.Base(f), want, got)
		}
	}
}

// TestSummaryWrittenReadByMsiinfo: a summary we re-encode reads the same in
// msiinfo as the original.
func TestSummaryWrittenReadByMsiinfo(t *testing.T) {
	testtools.LookPath(t, "msiinfo")
	for _, f := range corpusDatabases(t) {
		if filepath.Base(f) == "VBRuntime.msi" {
			continue // truncated stream, cannot be rewritten
		}
		want := run(t, "", "msiinfo", "suminfo", f)
		db, err := Open(f)
		if err != nil {
			t.Fatal(err)
		}
		si, err := db.Summary()
		if err != nil {
			t.Fatal(err)
		}
		if got := formatSuminfo(si); got != want {
			t.Errorf("%s: our reading differs from msiinfo:\n%s\nvs\n%s", filepath.Base(f), got, want)
		}
		db.SetSummary(si) // force a re-encode
		out := filepath.Join(t.TempDir(), "out"+filepath.Ext(f))
		if err := db.WriteFile(out); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if got := run(t, "", "msiinfo", "suminfo", out); got != want {
			t.Errorf("%s: msiinfo reads our summary as\n%s\nwant\n%s", filepath.Base(f), got, want)
		}
	}
}

// TestReadSummaryFile reads the summary alone and agrees with Open.
func TestReadSummaryFile(t *testing.T) {
	for _, f := range corpusDatabases(t) {
		si, kind, err := ReadSummaryFile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		db, err := Open(f)
		if err != nil {
			t.Fatal(err)
		}
		full, _ := db.Summary()
		if kind != db.Container() || formatSuminfo(si) != formatSuminfo(full) {
			t.Errorf("%s: ReadSummaryFile disagrees with Open", filepath.Base(f))
		}
		db.Close()
	}
	if _, _, err := ReadSummaryFile(filepath.Join(t.TempDir(), "missing.msi")); err == nil || IsInvalid(err) {
		t.Errorf("missing file: %v", err)
	}
}
