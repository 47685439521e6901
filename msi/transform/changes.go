package transform

import (
	"fmt"
	"sort"

	"github.com/ohotfix/ohotfix/msi"
)

// TableChange is the decoded records of one table. Columns is the table's
// schema as the records were decoded with (after the transform's own
// _Tables/_Columns changes). Created/Dropped report _Tables records;
// AddedColumns the columns the transform appends (all columns of a created
// table). Err is set instead of Records when the schema is unknown (a
// database-less inspection of a table that is not standard).
type TableChange struct {
	Name         string
	Columns      []msi.Column
	Records      []Record
	Created      bool
	Dropped      bool
	AddedColumns []msi.Column
	Guessed      bool // schema came from the built-in standard tables
	Err          error
}

// catalog is what a transform's _Tables and _Columns records say.
type catalog struct {
	created map[string]bool
	dropped map[string]bool
	order   []string                // created tables in record order
	added   map[string][]msi.Column // new columns per table, by number
}

type numberedColumn struct {
	num int
	col msi.Column
}

// readCatalog decodes _Tables and _Columns. baseCols gives the number of
// columns a table already has (-1 when the table is unknown), to number
// columns the transform adds with a NULL Number: native transforms write
// NULL there, and the columns are numbered in record order after the
// existing ones.
func (t *Transform) readCatalog(baseCols func(string) int) (*catalog, error) {
	c := &catalog{created: map[string]bool{}, dropped: map[string]bool{}, added: map[string][]msi.Column{}}
	if raw := t.raw[msi.TablesTable]; raw != nil {
		recs, err := DecodeRecords(msi.TablesTable, msi.TablesSchema(), raw, t.pool)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			name := r.Values[0].Str()
			if name == "" {
				return nil, &msi.FormatError{What: "transform table _Tables", Msg: "record with an empty table name"}
			}
			switch r.Op {
			case OpDelete:
				c.dropped[name] = true
			default:
				if !c.created[name] {
					c.order = append(c.order, name)
				}
				c.created[name] = true
			}
		}
	}
	raw := t.raw[msi.ColumnsTable]
	if raw == nil {
		return c, nil
	}
	recs, err := DecodeRecords(msi.ColumnsTable, msi.ColumnsSchema(), raw, t.pool)
	if err != nil {
		return nil, err
	}
	next := map[string]int{}
	byTable := map[string][]numberedColumn{}
	for _, r := range recs {
		table := r.Values[0].Str()
		if r.Op == OpDelete {
			return nil, &msi.FormatError{What: "transform table _Columns", Msg: fmt.Sprintf("deletes column %d of %s: removing columns is not supported by Windows Installer", num(r.Values[1]), table)}
		}
		name := r.Values[2].Str()
		typ, okT := r.Values[3].Int()
		if table == "" || name == "" || !okT {
			return nil, &msi.FormatError{What: "transform table _Columns", Msg: fmt.Sprintf("incomplete column record for table %q column %q", table, name)}
		}
		if _, ok := next[table]; !ok {
			n := 0
			if !c.created[table] {
				n = max(baseCols(table), 0)
			}
			next[table] = n
		}
		number, ok := r.Values[1].Int()
		if !ok {
			next[table]++
			number = int32(next[table])
		} else if int(number) > next[table] {
			next[table] = int(number)
		}
		if number < 1 || number > 32 {
			return nil, &msi.FormatError{What: "transform table _Columns", Msg: fmt.Sprintf("table %s column %s: number %d out of range", table, name, number)}
		}
		byTable[table] = append(byTable[table], numberedColumn{int(number), msi.Column{Name: name, Type: msi.ColumnType(uint16(typ))}})
	}
	for table, cs := range byTable {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].num < cs[j].num })
		first := 1
		if !c.created[table] {
			first = max(baseCols(table), 0) + 1
		}
		for i, nc := range cs {
			if nc.num != first+i {
				return nil, &msi.FormatError{What: "transform table _Columns", Msg: fmt.Sprintf("table %s: column %s has number %d, want %d (columns must be appended in order)", table, nc.col.Name, nc.num, first+i)}
			}
			c.added[table] = append(c.added[table], nc.col)
		}
	}
	return c, nil
}

func num(v msi.Value) int32 { n, _ := v.Int(); return n }

// schemaSource returns the columns of a table in the database a transform
// is applied to; a nil db means "inspect without a database" (standard
// tables only, with width alternatives).
func schemaCandidates(db *msi.Database, table string) [][]msi.Column {
	if db != nil {
		cols, err := db.Schema(table)
		if err != nil {
			return nil
		}
		return [][]msi.Column{cols}
	}
	return standardSchemas(table)
}

// Changes decodes every table of the transform against db's schema. With a
// nil db it uses the standard Windows Installer schemas (File, Media,
// Property, ...) and reports tables it cannot decode through
// TableChange.Err, so that a patch can be inspected without its target.
// Catalog and record format errors are returned as *msi.FormatError.
func (t *Transform) Changes(db *msi.Database) ([]TableChange, error) {
	baseCols := func(table string) int {
		c := schemaCandidates(db, table)
		if len(c) == 0 {
			return -1
		}
		return len(c[0])
	}
	cat, err := t.readCatalog(baseCols)
	if err != nil {
		return nil, err
	}
	var out []TableChange
	for _, name := range t.Tables() {
		if name == msi.TablesTable || name == msi.ColumnsTable {
			continue
		}
		tc := TableChange{Name: name, Created: cat.created[name], Dropped: cat.dropped[name], AddedColumns: cat.added[name]}
		var candidates [][]msi.Column
		if cat.created[name] {
			candidates = [][]msi.Column{cat.added[name]}
		} else {
			for _, base := range schemaCandidates(db, name) {
				candidates = append(candidates, append(append([]msi.Column(nil), base...), cat.added[name]...))
			}
			tc.Guessed = db == nil
		}
		if len(candidates) == 0 {
			if db != nil {
				return nil, &msi.FormatError{What: "transform table " + name, Msg: "the database has no such table and the transform does not create it"}
			}
			tc.Err = fmt.Errorf("schema of table %s unknown without the target database", name)
			out = append(out, tc)
			continue
		}
		var firstErr error
		for _, cols := range candidates {
			recs, err := DecodeRecords(name, cols, t.raw[name], t.pool)
			if err == nil {
				tc.Columns, tc.Records, firstErr = cols, recs, nil
				break
			}
			if firstErr == nil {
				firstErr = err
			}
		}
		if firstErr != nil {
			if db != nil || !tc.Guessed {
				return nil, firstErr
			}
			tc.Err = firstErr
		}
		out = append(out, tc)
	}
	// Created tables without records, and dropped tables, are changes too.
	have := map[string]bool{}
	for _, tc := range out {
		have[tc.Name] = true
	}
	for _, name := range cat.order {
		if !have[name] {
			out = append(out, TableChange{Name: name, Created: true, Columns: cat.added[name], AddedColumns: cat.added[name]})
			have[name] = true
		}
	}
	for name := range cat.dropped {
		if !have[name] {
			out = append(out, TableChange{Name: name, Dropped: true})
		}
	}
	for name, cols := range cat.added {
		if !have[name] {
			out = append(out, TableChange{Name: name, AddedColumns: cols})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
