package msi

import (
	"fmt"
	"slices"
)

// Table is one table of a Database. Its rows are read from the file the
// first time they are needed (Database.Table does that), then kept in
// memory; changes are written by Database.Commit.
type Table struct {
	name    string
	columns []Column
	db      *Database
	rows    []Row
	index   map[string]int // key string -> row index, built on demand
	dirty   bool
}

// Name is the table's name.
func (t *Table) Name() string { return t.name }

// Columns returns the table's columns (a copy).
func (t *Table) Columns() []Column { return append([]Column(nil), t.columns...) }

// ColumnIndex returns the index of the named column, or -1.
func (t *Table) ColumnIndex(name string) int {
	for i, c := range t.columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// KeyColumns returns the indexes of the primary-key columns.
func (t *Table) KeyColumns() []int {
	var k []int
	for i, c := range t.columns {
		if c.Type.IsKey() {
			k = append(k, i)
		}
	}
	return k
}

// Len is the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// Rows returns the rows in the table's current order (stored order for an
// unchanged table). The slice and rows are the table's own: copy before
// changing them, and use Insert/Update/Delete to modify the table.
func (t *Table) Rows() []Row { return t.rows }

// Row returns row i.
func (t *Table) Row(i int) Row { return t.rows[i] }

func (t *Table) buildIndex() {
	if t.index != nil {
		return
	}
	t.index = make(map[string]int, len(t.rows))
	for i, r := range t.rows {
		t.index[keyString(t.columns, r)] = i
	}
}

// keyRow puts key values (in key-column order) into an otherwise NULL row.
func (t *Table) keyRow(keys []any) (Row, error) {
	kc := t.KeyColumns()
	if len(keys) != len(kc) {
		return nil, fmt.Errorf("msi: table %s has %d key columns, got %d values", t.name, len(kc), len(keys))
	}
	row := make(Row, len(t.columns))
	for i, c := range kc {
		v, err := ValueOf(keys[i])
		if err != nil {
			return nil, err
		}
		row[c] = v
	}
	return row, nil
}

// Lookup finds the row with the given primary key values (strings, ints or
// Values, in key-column order).
func (t *Table) Lookup(keys ...any) (Row, bool) {
	kr, err := t.keyRow(keys)
	if err != nil {
		return nil, false
	}
	t.buildIndex()
	i, ok := t.index[keyString(t.columns, kr)]
	if !ok {
		return nil, false
	}
	return t.rows[i], true
}

// makeRow converts Go values to a row, checking each against its column.
// []byte values for binary columns become binary cells whose data is
// returned in blobs (column index -> data) for the caller to store.
func (t *Table) makeRow(values []any) (Row, map[int][]byte, error) {
	if len(values) != len(t.columns) {
		return nil, nil, fmt.Errorf("msi: table %s has %d columns, got %d values", t.name, len(t.columns), len(values))
	}
	row := make(Row, len(values))
	var blobs map[int][]byte
	for i, x := range values {
		col := t.columns[i]
		if b, ok := x.([]byte); ok {
			if !col.Type.IsBinary() {
				return nil, nil, &ValueError{t.name, col.Name, "binary data for a non-binary column"}
			}
			if blobs == nil {
				blobs = map[int][]byte{}
			}
			blobs[i] = b
			row[i] = Binary("")
			continue
		}
		v, err := ValueOf(x)
		if err != nil {
			return nil, nil, err
		}
		row[i] = v
	}
	if err := t.checkRow(row); err != nil {
		return nil, nil, err
	}
	return row, blobs, nil
}

// checkRow validates kinds, ranges and nullability (string ids aside).
func (t *Table) checkRow(row Row) error {
	for i, col := range t.columns {
		v := row[i]
		verr := func(format string, args ...any) error {
			return &ValueError{Table: t.name, Column: col.Name, Msg: fmt.Sprintf(format, args...)}
		}
		switch {
		case v.kind == KindNull:
			if !col.Type.IsNullable() {
				return verr("NULL in a non-nullable column")
			}
		case col.Type.IsBinary():
			if v.kind != KindBinary {
				return verr("%s value in a binary column", v.kind)
			}
		case col.Type&TypeString != 0:
			if v.kind != KindString {
				return verr("%s value in a string column", v.kind)
			}
		default:
			if v.kind != KindInt {
				return verr("%s value in an integer column", v.kind)
			}
			if col.Type.IntWidth() == 2 && (v.n < -0x7FFF || v.n > 0x7FFF) {
				return verr("%d does not fit a 16-bit column", v.n)
			}
			if uint32(v.n) == 0x80000000 {
				return verr("%d is the NULL marker of a 32-bit column", v.n)
			}
		}
	}
	return nil
}

// fixBinary names the stream of each binary cell after the row's keys and
// stores blobs (new data) there.
func (t *Table) fixBinary(row Row, blobs map[int][]byte) {
	name := ""
	for i, col := range t.columns {
		if !col.Type.IsBinary() || row[i].kind != KindBinary {
			continue
		}
		if name == "" {
			name = BinaryStreamName(t.name, t.columns, row)
		}
		row[i].s = name
		if b, ok := blobs[i]; ok {
			t.db.putStream(name, b)
		}
	}
}

// Insert adds a row; values are given for every column in order (nil for
// NULL; string, int or Value; []byte for a binary column, whose data goes to
// the stream named after the row's keys). A row with the same key is an error.
func (t *Table) Insert(values ...any) error {
	row, blobs, err := t.makeRow(values)
	if err != nil {
		return err
	}
	t.buildIndex()
	k := keyString(t.columns, row)
	if _, dup := t.index[k]; dup {
		return fmt.Errorf("msi: table %s: a row with key %s already exists", t.name, describeKey(t.columns, row))
	}
	t.fixBinary(row, blobs)
	t.index[k] = len(t.rows)
	t.rows = append(t.rows, row)
	t.dirty = true
	return nil
}

// Put inserts the row or replaces the row with the same key.
func (t *Table) Put(values ...any) error {
	row, blobs, err := t.makeRow(values)
	if err != nil {
		return err
	}
	t.buildIndex()
	k := keyString(t.columns, row)
	t.fixBinary(row, blobs)
	if i, ok := t.index[k]; ok {
		for c, col := range t.columns { // a binary cell set to NULL loses its stream
			if col.Type.IsBinary() && t.rows[i][c].kind == KindBinary && row[c].kind != KindBinary {
				t.db.deleteStream(t.rows[i][c].s)
			}
		}
		t.rows[i] = row
	} else {
		t.index[k] = len(t.rows)
		t.rows = append(t.rows, row)
	}
	t.dirty = true
	return nil
}

// Set changes one column of the row with the given keys. Key columns cannot
// be changed this way (delete and insert instead).
func (t *Table) Set(keys []any, column string, value any) error {
	c := t.ColumnIndex(column)
	if c < 0 {
		return fmt.Errorf("msi: table %s has no column %s: %w", t.name, column, ErrNotFound)
	}
	if t.columns[c].Type.IsKey() {
		return fmt.Errorf("msi: table %s: cannot Set key column %s", t.name, column)
	}
	old, ok := t.Lookup(keys...)
	if !ok {
		return fmt.Errorf("msi: table %s: no row with key %v: %w", t.name, keys, ErrNotFound)
	}
	vals := make([]any, len(old))
	for i, v := range old {
		vals[i] = v
	}
	vals[c] = value
	return t.Put(vals...)
}

// Delete removes the row with the given keys (and its binary streams). It
// reports whether a row was removed.
func (t *Table) Delete(keys ...any) bool {
	kr, err := t.keyRow(keys)
	if err != nil {
		return false
	}
	t.buildIndex()
	k := keyString(t.columns, kr)
	i, ok := t.index[k]
	if !ok {
		return false
	}
	for c, col := range t.columns {
		if col.Type.IsBinary() && t.rows[i][c].kind == KindBinary {
			t.db.deleteStream(t.rows[i][c].s)
			break
		}
	}
	t.rows = slices.Delete(t.rows, i, i+1)
	t.index = nil
	t.dirty = true
	return true
}

// DeleteWhere removes every row for which match returns true (and their
// binary streams) in one pass, and returns how many were removed.
func (t *Table) DeleteWhere(match func(Row) bool) int {
	n := 0
	t.rows = slices.DeleteFunc(t.rows, func(r Row) bool {
		if !match(r) {
			return false
		}
		for c, col := range t.columns {
			if col.Type.IsBinary() && r[c].kind == KindBinary {
				t.db.deleteStream(r[c].s)
			}
		}
		n++
		return true
	})
	if n > 0 {
		t.index, t.dirty = nil, true
	}
	return n
}

// Binary returns the data of a binary cell of row.
func (t *Table) Binary(row Row, column string) ([]byte, error) {
	c := t.ColumnIndex(column)
	if c < 0 || c >= len(row) {
		return nil, fmt.Errorf("msi: table %s has no column %s: %w", t.name, column, ErrNotFound)
	}
	if row[c].kind != KindBinary {
		return nil, nil
	}
	return t.db.ReadStream(row[c].s)
}

func describeKey(cols []Column, row Row) string {
	s := ""
	for i, c := range cols {
		if c.Type.IsKey() {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprintf("%s=%q", c.Name, row[i].String())
		}
	}
	return s
}

// Get returns the value of the named column in row (Null for an unknown
// column, which ColumnIndex can check first).
func (t *Table) Get(row Row, column string) Value {
	c := t.ColumnIndex(column)
	if c < 0 || c >= len(row) {
		return Null
	}
	return row[c]
}

// AddColumns appends non-key columns to the table (ALTER TABLE ... ADD, as
// a transform's _Columns records do); existing rows get NULL in them, so a
// non-nullable column can only be added to an empty table. The rows, their
// binary streams and the table's place in the catalog are kept.
func (t *Table) AddColumns(cols ...Column) error {
	all := append(slices.Clone(t.columns), cols...)
	if err := checkSchema(t.name, all); err != nil {
		return err
	}
	for _, c := range cols {
		if c.Type.IsKey() {
			return fmt.Errorf("msi: table %s: cannot add key column %s to an existing table", t.name, c.Name)
		}
		if !c.Type.IsNullable() && len(t.rows) > 0 {
			return &ValueError{Table: t.name, Column: c.Name, Msg: "NULL in a non-nullable column"}
		}
	}
	for i := len(t.columns); i < len(all); i++ {
		all[i].Type |= TypeValid
	}
	for i, r := range t.rows {
		t.rows[i] = append(r, make(Row, len(cols))...)
	}
	t.columns = all
	t.db.schemas[t.name] = slices.Clone(all)
	t.db.schemaDirty = true
	t.dirty = true
	return nil
}
