package cfb

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzReader: any input either fails with a typed error or reads fully; a
// file that reads fully must survive Tree → Write → NewReader unchanged.
func FuzzReader(f *testing.F) {
	f.Add(writeTree(f, sampleTree(), 3))
	f.Add(writeTree(f, sampleTree(), 4))
	for _, p := range corpusFiles(f) {
		if fi, err := os.Stat(p); err != nil || fi.Size() > 64<<10 {
			continue // the fuzzer mutates small inputs far better
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			if !typedErr(err) {
				t.Fatalf("untyped error from NewReader: %v", err)
			}
			return
		}
		before := flatTree(t, r)
		for _, e := range before {
			if e.Err != nil {
				if !typedErr(e.Err) {
					t.Fatalf("untyped error reading %q: %v", e.Path, e.Err)
				}
				return
			}
		}
		tree, err := r.Tree()
		if err != nil {
			t.Fatalf("streams read but Tree failed: %v", err)
		}
		var buf bytes.Buffer
		if err := Write(&buf, tree, nil); err != nil {
			if !typedErr(err) {
				t.Fatalf("untyped error from Write: %v", err)
			}
			return // e.g. names a writer must refuse (duplicates, '/')
		}
		r2, err := NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatalf("cannot read our own output: %v", err)
		}
		after := flatTree(t, r2)
		if d := diffTrees(before, after); d != "" && !lossyNames(before) {
			t.Fatalf("rewrite changed the tree: %s", d)
		}
	})
}

// lossyNames: names with unpaired surrogates decode to U+FFFD, so their
// rewrite legitimately sorts differently.
func lossyNames(l []flatEntry) bool {
	for _, e := range l {
		if strings.ContainsRune(e.Path, utf8.RuneError) {
			return true
		}
	}
	return false
}
