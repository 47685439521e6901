package cfb

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// flatEntry is one entry of a tree listing: path, kind, metadata and bytes.
type flatEntry struct {
	Path      string
	Storage   bool
	CLSID     [16]byte
	StateBits uint32
	Created   time.Time
	Modified  time.Time
	Size      int64
	Data      []byte
	Err       error
}

// flatten lists every entry under e in directory order with its content.
func flatten(t testing.TB, r *Reader, e *Entry, prefix string, out *[]flatEntry) {
	t.Helper()
	for _, c := range e.Children {
		f := flatEntry{
			Path: prefix + c.Name, Storage: c.IsStorage(), CLSID: c.CLSID, StateBits: c.StateBits,
			Created: c.Created, Modified: c.Modified, Size: c.Size,
		}
		if c.IsStorage() {
			*out = append(*out, f)
			flatten(t, r, c, prefix+c.Name+"/", out)
			continue
		}
		f.Data, f.Err = r.ReadStream(c)
		*out = append(*out, f)
	}
}

func flatTree(t testing.TB, r *Reader) []flatEntry {
	var out []flatEntry
	root := r.Root()
	out = append(out, flatEntry{Path: "", Storage: true, CLSID: root.CLSID, StateBits: root.StateBits,
		Created: root.Created, Modified: root.Modified})
	flatten(t, r, root, "", &out)
	return out
}

// diffTrees reports the first difference between two listings.
func diffTrees(a, b []flatEntry) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d entries vs %d", len(a), len(b))
	}
	for i := range a {
		x, y := a[i], b[i]
		switch {
		case x.Path != y.Path:
			return fmt.Sprintf("entry %d: path %q vs %q", i, x.Path, y.Path)
		case x.Storage != y.Storage || x.CLSID != y.CLSID || x.StateBits != y.StateBits:
			return fmt.Sprintf("%q: kind/CLSID/state bits differ", x.Path)
		case !x.Created.Equal(y.Created) || !x.Modified.Equal(y.Modified):
			return fmt.Sprintf("%q: times %s/%s vs %s/%s", x.Path, x.Created, x.Modified, y.Created, y.Modified)
		case x.Size != y.Size:
			return fmt.Sprintf("%q: size %d vs %d", x.Path, x.Size, y.Size)
		case !bytes.Equal(x.Data, y.Data):
			return fmt.Sprintf("%q: contents differ", x.Path)
		case (x.Err == nil) != (y.Err == nil):
			return fmt.Sprintf("%q: read error %v vs %v", x.Path, x.Err, y.Err)
		}
	}
	return ""
}

func readAllFrom(t testing.TB, r io.Reader) []byte {
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// printable renders a name with control characters escaped, for messages.
func printable(s string) string {
	return strings.ReplaceAll(fmt.Sprintf("%q", s), `"`, "")
}
