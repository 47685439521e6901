package msi

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// sharedDir finds ../shared beside the module root (CI clones main with
// shared/ next to it). Tests skip without it, except under CI=true.
func sharedDir(t testing.TB, sub string) string {
	t.Helper()
	// This package sits at <module root>/msi; the corpus is at
	// <module root>/../shared/testdata.
	p := filepath.Join("..", "..", "shared", "testdata", sub)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared test corpus missing: %s", p)
		}
		t.Skipf("shared test corpus missing (%s); skipping", p)
	}
	abs, _ := filepath.Abs(p)
	return abs
}

func run(t testing.TB, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if dir == "" {
		cmd.Dir = t.TempDir() // msiinfo export may drop <Table>/ folders here
	}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// msidumpDir runs msidump -d into a new temp dir.
func msidumpDir(t testing.TB, db string) string {
	t.Helper()
	testtools.LookPath(t, "msidump")
	d := t.TempDir()
	// msiinfo export (which msidump runs) writes binary cells to
	// ./<Table>/ of its working directory: keep them in the dump folder.
	run(t, d, "msidump", "-d", d, db)
	return d
}

// canonIDT sorts data lines (after the 3 header lines): dumps may order rows
// differently.
func canonIDT(b []byte) string {
	s := string(b)
	if strings.HasPrefix(s, "\r\n\r\n") { // _ForceCodepage
		return s
	}
	lines := strings.SplitAfter(s, "\r\n")
	if len(lines) > 3 {
		body := lines[3:]
		sort.Strings(body)
		lines = append(lines[:3], body...)
	}
	return strings.Join(lines, "")
}

// compareDumps checks two dump folders hold the same .idt files with the same
// content (rows in any order).
func compareDumps(t testing.TB, want, got string) {
	t.Helper()
	wf, _ := filepath.Glob(filepath.Join(want, "*.idt"))
	gf, _ := filepath.Glob(filepath.Join(got, "*.idt"))
	names := func(fs []string) []string {
		var out []string
		for _, f := range fs {
			out = append(out, filepath.Base(f))
		}
		return out
	}
	if strings.Join(names(wf), ",") != strings.Join(names(gf), ",") {
		t.Fatalf("dump file sets differ:\n want %v\n got  %v", names(wf), names(gf))
	}
	for _, f := range wf {
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join(got, filepath.Base(f)))
		if err != nil {
			t.Fatal(err)
		}
		if ca, cb := canonIDT(a), canonIDT(b); ca != cb {
			t.Errorf("%s differs:\n--- want\n%q\n--- got\n%q", filepath.Base(f), clip(ca), clip(cb))
		}
	}
}

func clip(s string) string {
	if len(s) > 1500 {
		return s[:1500] + "..."
	}
	return s
}
