package cfb

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// TestRewrittenMSIsPassMsitools rewrites corpus databases and patches from
// their Tree (every stream copied) and checks that msitools reports exactly
// the same tables, streams and summary, and that msidump dumps identical
// tables and streams.
func TestRewrittenMSIsPassMsitools(t *testing.T) {
	msiinfo := testtools.LookPath(t, "msiinfo")
	msidump := testtools.LookPath(t, "msidump")
	for _, p := range corpusFiles(t) {
		base := filepath.Base(p)
		if strings.HasSuffix(p, ".mst") || base == "VBRuntime.msi" {
			continue // msitools cannot open a bare transform; VBRuntime.msi is truncated
		}
		for _, version := range []int{3, 4} {
			t.Run(base+"/v"+string(rune('0'+version)), func(t *testing.T) {
				if version == 4 && strings.HasSuffix(base, ".msi") && base != "tiny.msi" {
					// msidump on the large databases costs ~15 s for v4;
					// tiny.msi and the patches check v4 in every run.
					testtools.Large(t, "OHOTFIX_CFB_V4_ALL", "check the v4 rewrite of every corpus database with msitools")
				}
				r, _ := openFile(t, p)
				tree, err := r.Tree()
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				out := filepath.Join(dir, base)
				if err := WriteFile(out, tree, &WriteOptions{Version: version}); err != nil {
					t.Fatal(err)
				}
				for _, cmd := range [][]string{{"tables"}, {"streams"}, {"suminfo"}} {
					want := runTool(t, msiinfo, append(cmd, p)...)
					got := runTool(t, msiinfo, append(cmd, out)...)
					if !bytes.Equal(got, want) {
						t.Fatalf("msiinfo %s differs:\n%s\nvs original:\n%s", cmd[0], got, want)
					}
				}
				if strings.HasSuffix(p, ".msp") {
					return // msidump needs a database, not a patch
				}
				d1, d2 := filepath.Join(dir, "orig"), filepath.Join(dir, "new")
				for _, d := range []string{d1, d2} {
					if err := os.Mkdir(d, 0o755); err != nil {
						t.Fatal(err)
					}
				}
				// msidump writes binary-column files (Binary/, Icon/) into its
				// working directory whatever -d says, so run it inside each.
				runToolIn(t, d1, msidump, "-t", "-s", "-d", d1, p)
				runToolIn(t, d2, msidump, "-t", "-s", "-d", d2, out)
				compareDirs(t, d1, d2)
			})
		}
	}
}

func runTool(t testing.TB, tool string, args ...string) []byte {
	t.Helper()
	return runToolIn(t, "", tool, args...)
}

func runToolIn(t testing.TB, dir, tool string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(tool, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", filepath.Base(tool), args, err, out)
	}
	return out
}

// compareDirs requires two directory trees to hold the same files with the
// same bytes, and at least one file.
func compareDirs(t testing.TB, a, b string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		x, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil {
			return err
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs after the rewrite", rel)
		}
		files++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	filepath.WalkDir(b, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			count++
		}
		return nil
	})
	if files == 0 || count != files {
		t.Fatalf("%d files dumped from the original, %d from the rewrite", files, count)
	}
}
