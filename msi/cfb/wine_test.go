package cfb

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ohotfix/ohotfix/internal/winetest"
)

// rewrite copies a corpus file through Tree and Write into dir.
func rewrite(t *testing.T, src, dir string, version int) string {
	t.Helper()
	r, _ := openFile(t, src)
	tree, err := r.Tree()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, filepath.Base(src))
	if err := WriteFile(out, tree, &WriteOptions{Version: version}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWindowsInstallerOpensRewrites uses Wine's msi.dll (Windows Installer)
// as the oracle: a rewritten database answers SQL exactly like the
// original, and a rewritten transform still applies to it.
func TestWindowsInstallerOpensRewrites(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Wine")
	}
	gen := corpusDir(t, "generated")
	p := winetest.NewPrefix(t)
	for _, version := range []int{3, 4} {
		dir := t.TempDir()
		msi := rewrite(t, filepath.Join(gen, "tiny.msi"), dir, version)
		mst := rewrite(t, filepath.Join(gen, "fix.mst"), dir, version)
		for _, sql := range []string{
			"SELECT `File`, `FileName`, `FileSize`, `Sequence` FROM `File`",
			"SELECT `Property`, `Value` FROM `Property`",
			"SELECT `DiskId`, `LastSequence`, `Cabinet` FROM `Media`",
		} {
			want := p.Query(t, filepath.Join(gen, "tiny.msi"), sql)
			got := p.Query(t, msi, sql)
			if len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Fatalf("v%d %s:\n got %v\nwant %v", version, sql, got, want)
			}
		}
		out := filepath.Join(dir, "applied.msi")
		if code, msg := p.ApplyTransform(t, msi, mst, out, 0); code != 0 {
			t.Fatalf("v%d: rewritten fix.mst does not apply: %d %s", version, code, msg)
		}
		rows := p.Query(t, out, "SELECT `FileSize` FROM `File` WHERE `File` = 'AppTxt'")
		if len(rows) != 1 || rows[0][0] != "999" {
			t.Fatalf("v%d: after the transform AppTxt FileSize is %v, want 999", version, rows)
		}
	}
}
