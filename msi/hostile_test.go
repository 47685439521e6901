package msi

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/msi/cfb"
)

// craft builds a small valid database, lets edit change its compound-file
// tree, and returns the file image.
func craft(t *testing.T, edit func(root *cfb.Node)) []byte {
	t.Helper()
	db := New(Package)
	tb, err := db.CreateTable("T", []Column{{"K", StringType(10, false, true, false)}, {"V", IntType(2, true, false)}})
	if err != nil {
		t.Fatal(err)
	}
	tb.Insert("a", 1)
	tb.Insert("b", 2)
	root, err := db.Tree()
	if err != nil {
		t.Fatal(err)
	}
	edit(root)
	var buf bytes.Buffer
	if err := cfb.Write(&buf, root, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func node(root *cfb.Node, name string, table bool) *cfb.Node {
	for _, c := range root.Children {
		if c.Name == encodeStreamName(name, table) {
			return c
		}
	}
	return nil
}

// TestCraftedCorruption: each damage gives a FormatError naming the part.
func TestCraftedCorruption(t *testing.T) {
	cases := []struct {
		name, want string
		edit       func(root *cfb.Node)
	}{
		{"unknown root CLSID", "CLSID", func(r *cfb.Node) { r.CLSID[0] = 0x99 }},
		{"pool missing", "no string pool", func(r *cfb.Node) {
			r.Children = []*cfb.Node{node(r, "_Tables", true)}
		}},
		{"string data short", "_StringData", func(r *cfb.Node) {
			d := node(r, DataStream, true)
			d.Data = d.Data[:len(d.Data)-1]
		}},
		{"column number gap", "column numbers are not 1..2", func(r *cfb.Node) {
			c := node(r, ColumnsTable, true)
			// 8-byte rows (2-byte refs); the Number column follows the
			// Table column: set the first row's number to 5 of 2 columns.
			n := len(c.Data) / 8
			binary.LittleEndian.PutUint16(c.Data[2*n:], 0x8000+5)
		}},
		{"string id beyond pool", "table T", func(r *cfb.Node) {
			c := node(r, "T", true)
			binary.LittleEndian.PutUint16(c.Data, 0x7777)
		}},
		{"table without columns", "no columns", func(r *cfb.Node) {
			c := node(r, ColumnsTable, true)
			c.Data = nil
		}},
	}
	for _, c := range cases {
		img := craft(t, c.edit)
		err := exercise(img)
		if err == nil || !IsFormatError(err) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want a FormatError mentioning %q", c.name, err, c.want)
		}
	}
}
