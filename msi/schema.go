package msi

import (
	"fmt"
	"strings"
)

// Column is one column of a table.
type Column struct {
	Name string
	Type ColumnType
}

// Catalog table names and schemas. `_Tables` lists every persistent table;
// `_Columns` describes every column of every table except the two catalog
// tables themselves.
const (
	TablesTable  = "_Tables"
	ColumnsTable = "_Columns"
	PoolStream   = "_StringPool" // table-prefixed streams of the string pool
	DataStream   = "_StringData"
)

var (
	tablesSchema = []Column{{"Name", StringType(64, false, true, false)}}

	columnsSchema = []Column{
		{"Table", StringType(64, false, true, false)},
		{"Number", IntType(2, false, true)},
		{"Name", StringType(64, false, false, false)},
		{"Type", IntType(2, false, false)},
	}
)

// TablesSchema and ColumnsSchema return the fixed schemas of the catalog
// tables (copies).
func TablesSchema() []Column  { return append([]Column(nil), tablesSchema...) }
func ColumnsSchema() []Column { return append([]Column(nil), columnsSchema...) }

// maxColumns is the installer's limit on columns per table.
const maxColumns = 32

// checkSchema validates a table definition before it is created.
func checkSchema(name string, cols []Column) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("msi: invalid table name %q", name)
	}
	if strings.ContainsAny(name, "\x00\t\r\n") {
		return fmt.Errorf("msi: invalid table name %q", name)
	}
	if len(cols) == 0 || len(cols) > maxColumns {
		return fmt.Errorf("msi: table %s: %d columns (want 1..%d)", name, len(cols), maxColumns)
	}
	seen := map[string]bool{}
	nonKeySeen := false
	nkeys := 0
	for _, c := range cols {
		if c.Name == "" || seen[c.Name] || strings.ContainsAny(c.Name, "\x00\t\r\n") {
			return fmt.Errorf("msi: table %s: invalid or duplicate column name %q", name, c.Name)
		}
		seen[c.Name] = true
		if !c.Type.Valid() {
			return fmt.Errorf("msi: table %s column %s: invalid type %v", name, c.Name, c.Type)
		}
		if !c.Type.IsKey() {
			nonKeySeen = true
			continue
		}
		if nonKeySeen {
			return fmt.Errorf("msi: table %s: key column %s after a non-key column", name, c.Name)
		}
		nkeys++
	}
	if nkeys == 0 {
		return fmt.Errorf("msi: table %s has no primary key column", name)
	}
	return nil
}

// decodeCatalog turns the `_Tables` and `_Columns` rows into the table order
// and each table's columns in column-number order.
func decodeCatalog(tables, columns []Row) (order []string, schema map[string][]Column, err error) {
	schema = make(map[string][]Column, len(tables))
	seen := make(map[string]bool, len(tables))
	for i, r := range tables {
		n := r[0].Str()
		if n == "" {
			return nil, nil, formatErr(TablesTable, "row %d has an empty table name", i+1)
		}
		if seen[n] {
			continue
		}
		seen[n] = true
		order = append(order, n)
	}
	type numbered struct {
		num int32
		col Column
	}
	byTable := map[string][]numbered{}
	for i, r := range columns {
		t := r[0].Str()
		num, ok := r[1].Int()
		if t == "" || !ok {
			return nil, nil, formatErr(ColumnsTable, "row %d: missing table name or column number", i+1)
		}
		if num < 1 || num > maxColumns {
			return nil, nil, formatErr(ColumnsTable, "table %s column %d: number out of range 1..%d", t, num, maxColumns)
		}
		typ, _ := r[3].Int()
		name := r[2].Str()
		if name == "" {
			return nil, nil, formatErr(ColumnsTable, "table %s column %d has no name", t, num)
		}
		byTable[t] = append(byTable[t], numbered{num, Column{Name: name, Type: ColumnType(uint16(typ))}})
	}
	for t, cs := range byTable {
		cols := make([]Column, len(cs))
		filled := make([]bool, len(cs))
		for _, c := range cs {
			if int(c.num) > len(cs) || filled[c.num-1] {
				return nil, nil, formatErr(ColumnsTable, "table %s: column numbers are not 1..%d", t, len(cs))
			}
			filled[c.num-1] = true
			cols[c.num-1] = c.col
		}
		schema[t] = cols
	}
	for _, t := range order {
		if _, ok := schema[t]; !ok {
			schema[t] = nil // listed without columns: an error when opened
		}
	}
	return order, schema, nil
}
