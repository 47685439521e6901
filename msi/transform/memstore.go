package transform

import (
	"github.com/ohotfix/ohotfix/msi"
)

// memStore applies records to a copy of a table's rows, then replaces the
// table (drop, create, insert) in one pass. Binary cells are carried as
// their data, read before the drop removes their streams.
type memStore struct {
	db    *msi.Database
	name  string
	cols  []msi.Column
	rows  [][]any
	cur   []msi.Row // rows as Values, for lookups (binary cells keep names)
	index map[string]int
	gone  []bool
}

func newMemStore(db *msi.Database, t *msi.Table) (*memStore, error) {
	s := &memStore{db: db, name: t.Name(), cols: t.Columns(), index: make(map[string]int, t.Len())}
	for _, r := range t.Rows() {
		vals := make([]any, len(r))
		for c, v := range r {
			if v.Kind() == msi.KindBinary {
				data, err := t.Binary(r, s.cols[c].Name)
				if err != nil {
					return nil, err
				}
				vals[c] = data
				continue
			}
			vals[c] = v
		}
		s.add(vals, r)
	}
	return s, nil
}

func (s *memStore) add(vals []any, row msi.Row) {
	s.index[rowKey(s.cols, row)] = len(s.rows)
	s.rows = append(s.rows, vals)
	s.cur = append(s.cur, row)
	s.gone = append(s.gone, false)
}

func (s *memStore) keyOf(keys []any) string {
	row := make(msi.Row, len(s.cols))
	k := 0
	for i, c := range s.cols {
		if c.Type.IsKey() && k < len(keys) {
			v, _ := msi.ValueOf(keys[k])
			row[i] = v
			k++
		}
	}
	return rowKey(s.cols, row)
}

func (s *memStore) lookup(keys []any) (msi.Row, bool) {
	i, ok := s.index[s.keyOf(keys)]
	if !ok || s.gone[i] {
		return nil, false
	}
	return s.cur[i], true
}

func (s *memStore) put(vals []any) error {
	row := make(msi.Row, len(vals))
	for i, x := range vals {
		if _, ok := x.([]byte); ok {
			row[i] = msi.Binary("") // data travels in vals; lookups use keys
			continue
		}
		v, err := msi.ValueOf(x)
		if err != nil {
			return err
		}
		row[i] = v
	}
	k := rowKey(s.cols, row)
	if i, ok := s.index[k]; ok && !s.gone[i] {
		s.rows[i], s.cur[i] = vals, row
		return nil
	}
	s.add(vals, row)
	return nil
}

func (s *memStore) remove(keys []any) {
	k := s.keyOf(keys)
	if i, ok := s.index[k]; ok {
		s.gone[i] = true
		delete(s.index, k)
	}
}

func (s *memStore) finish() error {
	if err := s.db.DropTable(s.name); err != nil {
		return err
	}
	t, err := s.db.CreateTable(s.name, s.cols)
	if err != nil {
		return err
	}
	for i, vals := range s.rows {
		if s.gone[i] {
			continue
		}
		if err := t.Insert(vals...); err != nil {
			return err
		}
	}
	return nil
}
