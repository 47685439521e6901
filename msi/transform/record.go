package transform

import (
	"encoding/binary"
	"fmt"

	"github.com/ohotfix/ohotfix/msi"
)

// Op is what a transform record does to the row with its keys.
type Op uint8

const (
	OpInsert Op = iota + 1 // full row (mask low bit set): columns 1..n
	OpUpdate               // masked update: keys plus the columns whose bit is set
	OpDelete               // mask 0: keys only
)

func (o Op) String() string {
	switch o {
	case OpInsert:
		return "insert"
	case OpUpdate:
		return "update"
	case OpDelete:
		return "delete"
	}
	return "?"
}

// Record is one decoded transform record. Values has one cell per column of
// the table; cells not carried by the record are NULL and their bit in
// Present is clear. Binary cells are msi.Binary values naming the stream of
// the transform that holds the data ("Table.Key1.Key2…").
type Record struct {
	Op      Op
	Mask    uint16
	Present uint32 // bit i: column i is in the record
	Values  msi.Row
}

// Has reports whether column i is carried by the record.
func (r *Record) Has(i int) bool { return i < 32 && r.Present&(1<<i) != 0 }

// Keys returns the key values (for Table.Lookup / Delete).
func (r *Record) Keys(cols []msi.Column) []any {
	var k []any
	for i, c := range cols {
		if c.Type.IsKey() {
			k = append(k, r.Values[i])
		}
	}
	return k
}

// present computes the columns a record with mask carries.
func present(cols []msi.Column, mask uint16) (Op, uint32, error) {
	if mask&1 != 0 {
		n := int(mask >> 8)
		if n == 0 || n > len(cols) {
			return 0, 0, fmt.Errorf("full-row record with %d columns for a table of %d", n, len(cols))
		}
		return OpInsert, uint32(1)<<n - 1, nil
	}
	var p uint32
	for i, c := range cols {
		if c.Type.IsKey() || (i < 16 && mask&(1<<i) != 0) {
			p |= 1 << i
		}
	}
	if mask == 0 {
		return OpDelete, p, nil
	}
	if uint32(mask)>>len(cols) != 0 {
		return 0, 0, fmt.Errorf("update mask %#04x names columns beyond the table's %d", mask, len(cols))
	}
	return OpUpdate, p, nil
}

// DecodeRecords decodes the record stream of one table, given the table's
// columns as the transform sees them (after its own _Tables/_Columns
// changes) and the transform's string pool. Malformed data yields an
// *msi.FormatError.
func DecodeRecords(table string, cols []msi.Column, data []byte, pool *msi.StringPool) ([]Record, error) {
	bad := func(off int, format string, args ...any) error {
		return &msi.FormatError{What: "transform table " + table, Msg: fmt.Sprintf("record at offset %d: ", off) + fmt.Sprintf(format, args...)}
	}
	if len(cols) == 0 || len(cols) > 32 {
		return nil, bad(0, "table has %d columns", len(cols))
	}
	rw := pool.RefWidth()
	var recs []Record
	for off := 0; off < len(data); {
		start := off
		if len(data)-off < 2 {
			return nil, bad(start, "%d trailing bytes", len(data)-off)
		}
		mask := binary.LittleEndian.Uint16(data[off:])
		off += 2
		op, pres, err := present(cols, mask)
		if err != nil {
			return nil, bad(start, "%v", err)
		}
		rec := Record{Op: op, Mask: mask, Present: pres, Values: make(msi.Row, len(cols))}
		hasBinary := false
		for i, c := range cols {
			if pres&(1<<i) == 0 {
				continue
			}
			w := c.Type.Width(rw)
			if len(data)-off < w {
				return nil, bad(start, "column %s: record truncated", c.Name)
			}
			u := msi.ReadCell(data[off:], w)
			off += w
			v, ok := msi.DecodeCell(c, w, u, pool)
			if !ok {
				return nil, bad(start, "column %s: string id %d beyond the transform's pool (%d ids)", c.Name, u, pool.Count())
			}
			rec.Values[i] = v
			hasBinary = hasBinary || v.Kind() == msi.KindBinary
		}
		if hasBinary {
			name := msi.BinaryStreamName(table, cols, rec.Values)
			for i, c := range cols {
				if c.Type.IsBinary() && rec.Values[i].Kind() == msi.KindBinary {
					rec.Values[i] = msi.Binary(name)
				}
			}
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// addStrings counts rec's strings in pool (first pass of encoding: the
// reference width is only known once every string is in the pool).
func addStrings(cols []msi.Column, rec *Record, pool *msi.StringPool) {
	for i, c := range cols {
		if rec.Present&(1<<i) != 0 && c.Type.IsString() {
			pool.Add(rec.Values[i].Str())
		}
	}
}

// encodeRecord appends rec (Mask and Present must agree with cols) to out.
// Its strings must already be in pool (addStrings).
func encodeRecord(out []byte, cols []msi.Column, rec *Record, pool *msi.StringPool, refWidth int) ([]byte, error) {
	out = binary.LittleEndian.AppendUint16(out, rec.Mask)
	for i, c := range cols {
		if rec.Present&(1<<i) == 0 {
			continue
		}
		v := rec.Values[i]
		var u uint32
		switch {
		case c.Type.IsBinary():
			if v.Kind() == msi.KindBinary {
				u = 1
			}
		case c.Type&msi.TypeString != 0:
			if v.Kind() == msi.KindInt {
				return nil, fmt.Errorf("transform: %s: integer in a string column", c.Name)
			}
			id, ok := pool.ID(v.Str())
			if !ok {
				return nil, fmt.Errorf("transform: %s: string %q not in the pool", c.Name, v.Str())
			}
			u = id
		default:
			n, ok := v.Int()
			if !ok {
				if !v.IsNull() {
					return nil, fmt.Errorf("transform: %s: %s in an integer column", c.Name, v.Kind())
				}
				break
			}
			if c.Type.IntWidth() == 2 {
				u = uint32(n + 0x8000)
			} else {
				u = uint32(n) ^ 0x80000000
			}
		}
		out = msi.AppendCell(out, c.Type.Width(refWidth), u)
	}
	return out, nil
}
