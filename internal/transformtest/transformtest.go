// Package transformtest holds test support shared by the transform and
// patch packages: finding the shared corpus, skipping without peer tools,
// and table-by-table snapshots of databases for comparisons.
package transformtest

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/msi"
)

// Snapshot renders every table as rows of tab-separated cells keyed by
// table and row key (plus a "\x00schema" entry), binary cells as their
// length and an FNV hash of the data.
func Snapshot(t testing.TB, db *msi.Database) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, name := range db.Tables() {
		tbl, err := db.Table(name)
		if err != nil {
			t.Fatal(err)
		}
		cols := tbl.Columns()
		rows := map[string]string{}
		var sch []string
		for _, c := range cols {
			sch = append(sch, c.Name+":"+c.Type.IDT())
		}
		rows["\x00schema"] = strings.Join(sch, ",")
		for _, r := range tbl.Rows() {
			cells := make([]string, len(r))
			for i, v := range r {
				if v.Kind() == msi.KindBinary {
					b, err := tbl.Binary(r, cols[i].Name)
					if err != nil {
						t.Fatal(err)
					}
					cells[i] = fmt.Sprintf("[%d bytes %x]", len(b), fnv(b))
					continue
				}
				cells[i] = v.String()
			}
			rows[msi.BinaryStreamName(name, cols, r)] = strings.Join(cells, "\t")
		}
		out[name] = rows
	}
	return out
}

func fnv(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

// Diff lists "Table: - row", "Table: + row", "Table: ~ old -> new" and
// table/schema changes between two snapshots, sorted.
func Diff(a, b map[string]map[string]string) []string {
	var out []string
	names := map[string]bool{}
	for n := range a {
		names[n] = true
	}
	for n := range b {
		names[n] = true
	}
	for n := range names {
		ra, rb := a[n], b[n]
		if ra == nil {
			out = append(out, n+": table added")
		}
		if rb == nil {
			out = append(out, n+": table removed")
			continue
		}
		for k, v := range ra {
			w, ok := rb[k]
			switch {
			case !ok:
				out = append(out, n+": - "+v)
			case v != w && k == "\x00schema":
				out = append(out, n+": schema "+v+" -> "+w)
			case v != w:
				out = append(out, n+": ~ "+v+" -> "+w)
			}
		}
		for k, v := range rb {
			if _, ok := ra[k]; !ok && k != "\x00schema" {
				out = append(out, n+": + "+v)
			}
		}
	}
	sort.Strings(out)
	return out
}
