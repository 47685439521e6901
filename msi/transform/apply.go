package transform

import (
	"errors"
	"fmt"

	"github.com/ohotfix/ohotfix/msi"
)

// ApplyError is an error condition met while applying a transform that the
// suppression flags did not cover (Cond is the flag that would have), or a
// record the database cannot take.
type ApplyError struct {
	Table string
	Key   string
	Cond  ErrorFlags // 0 when not a suppressible condition
	Msg   string
}

func (e *ApplyError) Error() string {
	s := "transform: table " + e.Table
	if e.Key != "" {
		s += " row " + e.Key
	}
	s += ": " + e.Msg
	if e.Cond != 0 {
		s += fmt.Sprintf(" (not suppressed: %s)", e.Cond)
	}
	return s
}

// Apply applies the transform to db in memory: _Tables first (create and
// drop tables), then _Columns (add columns), then every other table's
// records. suppress says which error conditions are ignored (normally
// t.Info.Errors): inserting an existing row replaces it, deleting or
// updating a missing row is skipped, creating an existing table only adds
// its new columns, dropping a missing table is skipped. Without the flag
// each of these is an *ApplyError and db may be partly changed (apply to a
// copy, or reopen the file, to discard). Apply does not Validate.
func (t *Transform) Apply(db *msi.Database, suppress ErrorFlags) error {
	if cp, dcp := t.pool.Codepage, db.Codepage(); cp != 0 && dcp != 0 && cp != dcp && len(t.raw) > 0 {
		if suppress&ErrChangeCodepage == 0 {
			return &ApplyError{Table: "_StringPool", Cond: ErrChangeCodepage, Msg: fmt.Sprintf("transform code page %d differs from the database's %d", cp, dcp)}
		}
		if err := db.SetCodepage(cp); err != nil {
			return err
		}
	}
	changes, err := t.Changes(db)
	if err != nil {
		return err
	}
	// Tables: drop, then create.
	for _, tc := range changes {
		if !tc.Dropped {
			continue
		}
		if !db.HasTable(tc.Name) {
			if suppress&ErrDelMissingTable == 0 {
				return &ApplyError{Table: tc.Name, Cond: ErrDelMissingTable, Msg: "dropping a table the database does not have"}
			}
			continue
		}
		if err := db.DropTable(tc.Name); err != nil {
			return err
		}
	}
	for _, tc := range changes {
		switch {
		case tc.Created && db.HasTable(tc.Name) && !tc.Dropped:
			if suppress&ErrAddExistingTable == 0 {
				return &ApplyError{Table: tc.Name, Cond: ErrAddExistingTable, Msg: "creating a table the database already has"}
			}
			if err := growTable(db, tc.Name, tc.Columns); err != nil {
				return err
			}
		case tc.Created:
			if _, err := db.CreateTable(tc.Name, tc.Columns); err != nil {
				return &ApplyError{Table: tc.Name, Msg: err.Error()}
			}
		case len(tc.AddedColumns) > 0:
			if err := growTable(db, tc.Name, tc.Columns); err != nil {
				return err
			}
		}
	}
	for _, tc := range changes {
		if len(tc.Records) == 0 {
			continue
		}
		if err := t.applyRecords(db, tc, suppress); err != nil {
			return err
		}
	}
	return nil
}

// tableStore applies records to a table. Deletions are collected and done
// in one pass at the end (Table.Delete is linear, so deleting row by row
// would be quadratic in big tables): a deleted row is invisible to later
// lookups, and a later put of its key replaces it.
type tableStore struct {
	t    *msi.Table
	cols []msi.Column
	gone map[string]bool // rowKey of deleted rows
}

// keyOf is the rowKey of the row with the given key values.
func (s *tableStore) keyOf(keys []any) string {
	row := make(msi.Row, len(s.cols))
	k := 0
	for i, c := range s.cols {
		if c.Type.IsKey() && k < len(keys) {
			row[i], _ = msi.ValueOf(keys[k])
			k++
		}
	}
	return rowKey(s.cols, row)
}

func (s *tableStore) lookup(keys []any) (msi.Row, bool) {
	if len(s.gone) > 0 && s.gone[s.keyOf(keys)] {
		return nil, false
	}
	return s.t.Lookup(keys...)
}

func (s *tableStore) put(keys, vals []any) error {
	if err := s.t.Put(vals...); err != nil {
		return err
	}
	if len(s.gone) > 0 {
		delete(s.gone, s.keyOf(keys))
	}
	return nil
}

func (s *tableStore) remove(keys []any) { s.gone[s.keyOf(keys)] = true }

func (s *tableStore) finish() {
	if len(s.gone) > 0 {
		s.t.DeleteWhere(func(r msi.Row) bool { return s.gone[rowKey(s.cols, r)] })
	}
}

func (t *Transform) applyRecords(db *msi.Database, tc TableChange, suppress ErrorFlags) error {
	tbl, err := db.Table(tc.Name)
	if err != nil {
		return err
	}
	cols := tbl.Columns()
	if len(cols) != len(tc.Columns) {
		return &ApplyError{Table: tc.Name, Msg: fmt.Sprintf("table has %d columns, the transform expects %d", len(cols), len(tc.Columns))}
	}
	store := &tableStore{t: tbl, cols: cols, gone: map[string]bool{}}
	for i := range tc.Records {
		rec := &tc.Records[i]
		keys := rec.Keys(cols)
		old, found := store.lookup(keys)
		keyText := func() string { return msi.BinaryStreamName("", cols, rec.Values)[1:] }
		switch rec.Op {
		case OpDelete:
			if !found {
				if suppress&ErrDelMissingRow == 0 {
					return &ApplyError{Table: tc.Name, Key: keyText(), Cond: ErrDelMissingRow, Msg: "deleting a row that does not exist"}
				}
				continue
			}
			store.remove(keys)
			continue
		case OpInsert:
			if found && suppress&ErrAddExistingRow == 0 {
				return &ApplyError{Table: tc.Name, Key: keyText(), Cond: ErrAddExistingRow, Msg: "inserting a row that already exists"}
			}
			old = nil // a full row replaces whatever was there
		case OpUpdate:
			if !found {
				if suppress&ErrUpdateMissingRow == 0 {
					return &ApplyError{Table: tc.Name, Key: keyText(), Cond: ErrUpdateMissingRow, Msg: "updating a row that does not exist"}
				}
				continue
			}
		}
		vals := make([]any, len(cols))
		for c := range cols {
			switch {
			case rec.Has(c) && rec.Values[c].Kind() == msi.KindBinary:
				data, err := t.Stream(rec.Values[c].StreamName())
				if err != nil {
					return &ApplyError{Table: tc.Name, Key: keyText(), Msg: fmt.Sprintf("binary cell %s: %v", cols[c].Name, err)}
				}
				vals[c] = data
			case rec.Has(c):
				vals[c] = rec.Values[c]
			case old != nil:
				vals[c] = old[c]
			default:
				vals[c] = msi.Null
			}
		}
		if err := store.put(keys, vals); err != nil {
			return &ApplyError{Table: tc.Name, Key: keyText(), Msg: err.Error()}
		}
	}
	store.finish()
	return nil
}

// growTable gives an existing table the columns cols (its own columns plus
// new nullable ones at the end).
func growTable(db *msi.Database, name string, cols []msi.Column) error {
	t, err := db.Table(name)
	if err != nil {
		return err
	}
	have := t.Columns()
	if len(cols) <= len(have) {
		return nil
	}
	for i, c := range have {
		if cols[i].Name != c.Name {
			return &ApplyError{Table: name, Msg: fmt.Sprintf("column %d is %s in the database but %s in the transform", i+1, c.Name, cols[i].Name)}
		}
	}
	for _, c := range cols[len(have):] {
		if c.Type.IsKey() {
			return &ApplyError{Table: name, Msg: "the transform adds key column " + c.Name + " to an existing table"}
		}
	}
	if err := t.AddColumns(cols[len(have):]...); err != nil {
		var ve *msi.ValueError
		if errors.As(err, &ve) {
			return err // a NULL in a new non-nullable column, as Insert reports it
		}
		return &ApplyError{Table: name, Msg: err.Error()}
	}
	return nil
}
