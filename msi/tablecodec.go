package msi

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Table streams are column-major: every row's value of column 1, then every
// row's value of column 2, and so on. Cell widths come from the column types
// (ColumnType.Width) and the pool's reference width. Integers are biased so
// that a stored 0 is NULL: i2 as value+0x8000, i4 as value^0x80000000.
// Strings are pool ids (0 = NULL). A binary cell is a non-zero marker; its
// data is the stream "Table.Key1.Key2…".

// rowWidth is the size of one row of cols in bytes.
func rowWidth(cols []Column, refWidth int) int {
	w := 0
	for _, c := range cols {
		w += c.Type.Width(refWidth)
	}
	return w
}

// decodeRows decodes a column-major table stream. table names the table in
// errors and in binary cells' stream names. Trailing bytes that do not make a
// whole row are ignored (some writers pad).
func decodeRows(table string, cols []Column, data []byte, pool *StringPool) ([]Row, error) {
	rw := rowWidth(cols, pool.RefWidth())
	if rw == 0 {
		if len(data) != 0 {
			return nil, formatErr("table "+table, "has no columns but %d bytes of rows", len(data))
		}
		return nil, nil
	}
	n := len(data) / rw
	rows := make([]Row, n)
	cells := make([]Value, n*len(cols)) // one allocation for all rows
	for i := range rows {
		rows[i] = cells[i*len(cols) : (i+1)*len(cols) : (i+1)*len(cols)]
	}
	off := 0
	hasBinary := false
	for c, col := range cols {
		w := col.Type.Width(pool.RefWidth())
		for r := 0; r < n; r++ {
			u := ReadCell(data[off+r*w:], w)
			v, ok := DecodeCell(col, w, u, pool)
			if !ok {
				return nil, formatErr("table "+table, "row %d column %s: string id %d beyond the pool (%d ids)", r+1, col.Name, u, pool.Count())
			}
			hasBinary = hasBinary || v.kind == KindBinary
			rows[r][c] = v
		}
		off += w * n
	}
	if hasBinary {
		for _, row := range rows {
			name := ""
			for c, col := range cols {
				if col.Type.IsBinary() && row[c].kind == KindBinary {
					if name == "" {
						name = BinaryStreamName(table, cols, row)
					}
					row[c].s = name
				}
			}
		}
	}
	return rows, nil
}

// BinaryStreamName is the stream holding the binary cells of row:
// the table name and the row's key values joined with dots.
func BinaryStreamName(table string, cols []Column, row Row) string {
	var b strings.Builder
	b.WriteString(table)
	for c, col := range cols {
		if !col.Type.IsKey() {
			continue
		}
		b.WriteByte('.')
		if c < len(row) {
			b.WriteString(row[c].String())
		}
	}
	return b.String()
}

// storedCell is the unsigned on-disk value of v in col (what rows are sorted
// by). Strings must already be in the pool.
func storedCell(table string, col Column, v Value, pool *StringPool) (uint32, error) {
	t := col.Type
	verr := func(format string, args ...any) error {
		return &ValueError{Table: table, Column: col.Name, Msg: fmt.Sprintf(format, args...)}
	}
	if v.kind == KindNull {
		if !t.IsNullable() && !t.IsTemporary() {
			return 0, verr("NULL in a non-nullable column")
		}
		return 0, nil
	}
	switch {
	case t.IsBinary():
		if v.kind != KindBinary {
			return 0, verr("%s value in a binary column", v.kind)
		}
		return 1, nil
	case t&TypeString != 0:
		if v.kind != KindString {
			return 0, verr("%s value in a string column", v.kind)
		}
		id, ok := pool.ID(v.s)
		if !ok {
			return 0, verr("string %q missing from the pool", truncate(v.s, 40))
		}
		return id, nil
	case t.IntWidth() == 2:
		if v.kind != KindInt {
			return 0, verr("%s value in an integer column", v.kind)
		}
		if v.n < -0x7FFF || v.n > 0x7FFF {
			return 0, verr("%d does not fit a 16-bit column", v.n)
		}
		return uint32(v.n + 0x8000), nil
	default:
		if v.kind != KindInt {
			return 0, verr("%s value in an integer column", v.kind)
		}
		if uint32(v.n) == 0x80000000 {
			return 0, verr("%d is the NULL marker of a 32-bit column", v.n)
		}
		return uint32(v.n) ^ 0x80000000, nil
	}
}

// encodeRows builds a column-major table stream from rows, sorted by the
// stored values of the key columns (string ids, biased integers), as the
// installer requires. Every string must already be in pool.
func encodeRows(table string, cols []Column, rows []Row, pool *StringPool) ([]byte, error) {
	nc := len(cols)
	stored := make([]uint32, len(rows)*nc)
	for r, row := range rows {
		if len(row) != nc {
			return nil, formatErr("table "+table, "row %d has %d values for %d columns", r+1, len(row), nc)
		}
		for c, col := range cols {
			u, err := storedCell(table, col, row[c], pool)
			if err != nil {
				return nil, err
			}
			stored[r*nc+c] = u
		}
	}
	var keys []int
	for c, col := range cols {
		if col.Type.IsKey() {
			keys = append(keys, c)
		}
	}
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	if len(keys) > 0 {
		slices.SortStableFunc(order, func(a, b int) int {
			for _, c := range keys {
				x, y := stored[a*nc+c], stored[b*nc+c]
				if x != y {
					if x < y {
						return -1
					}
					return 1
				}
			}
			return 0
		})
	}
	rw := pool.RefWidth()
	out := make([]byte, 0, rowWidth(cols, rw)*len(rows))
	for c, col := range cols {
		w := col.Type.Width(rw)
		for _, r := range order {
			out = AppendCell(out, w, stored[r*nc+c])
		}
	}
	return out, nil
}

// keyString is a map key for a row's primary key values. The common single
// string key is used as is (no allocation); a column holds one kind only, and
// the empty string is NULL, so keys of one table cannot collide.
func keyString(cols []Column, row Row) string {
	var b strings.Builder
	nkeys := 0
	for c, col := range cols {
		if !col.Type.IsKey() || c >= len(row) {
			continue
		}
		nkeys++
		v := row[c]
		if nkeys == 1 && v.kind == KindString && (c+1 >= len(cols) || !cols[c+1].Type.IsKey()) {
			return v.s
		}
		b.WriteByte(byte('0' + v.kind))
		switch v.kind {
		case KindInt:
			b.WriteString(strconv.FormatInt(int64(v.n), 10))
		default:
			b.WriteString(v.s)
		}
		b.WriteByte(0)
	}
	return b.String()
}
