package cfb

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"
)

// TestRoundTripCorpus rewrites every corpus file from its Tree (all streams
// copied lazily from the original) in both versions and checks that the
// result reads back as the identical tree with identical bytes.
func TestRoundTripCorpus(t *testing.T) {
	for _, p := range corpusFiles(t) {
		for _, version := range []int{3, 4} {
			t.Run(filepath.Base(p)+"/v"+string(rune('0'+version)), func(t *testing.T) {
				r, _ := openFile(t, p)
				tree, err := r.Tree()
				if filepath.Base(p) == "VBRuntime.msi" {
					// The corpus copy is truncated: the one thing to
					// check is that reading its tree says so.
					if !errors.Is(err, ErrCorrupt) {
						t.Fatalf("truncated VBRuntime.msi: Tree() error %v, want ErrCorrupt", err)
					}
					t.Logf("truncated file refused as expected: %v", err)
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := Write(&buf, tree, &WriteOptions{Version: version}); err != nil {
					t.Fatal(err)
				}
				r2, err := NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
				if err != nil {
					t.Fatal(err)
				}
				if r2.Version() != version {
					t.Fatalf("version %d, want %d", r2.Version(), version)
				}
				if d := diffTrees(flatTree(t, r), flatTree(t, r2)); d != "" {
					t.Fatal(d)
				}
			})
		}
	}
}
