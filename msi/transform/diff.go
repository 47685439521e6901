package transform

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/ohotfix/ohotfix/msi"
)

// DiffOptions are the summary flags of a generated transform.
type DiffOptions struct {
	Validate ValidateFlags
	Errors   ErrorFlags
	// Carry lists, per table, columns that updates always carry even when
	// unchanged (patch transforms carry File's name, component and version
	// so that a patch can be inspected without its target).
	Carry map[string][]string
}

// Diff generates the transform that turns base into upd: created and
// dropped tables, appended columns, and per table the deleted, inserted and
// updated rows (updates carry only the changed columns). Its summary names
// base's product code, version, platform and language as the base, upd's
// as the new state, and opt's flags. Schema changes a transform cannot
// express (a column removed, retyped or renamed) are errors.
func Diff(base, upd *msi.Database, opt DiffOptions) (*Transform, error) {
	var tablesRecs, columnsRecs []Record
	var changes []TableChange
	streams := map[string][]byte{}
	baseHas := map[string]bool{}
	for _, n := range base.Tables() {
		baseHas[n] = true
	}
	updHas := map[string]bool{}
	for _, name := range upd.Tables() {
		updHas[name] = true
		newT, err := upd.Table(name)
		if err != nil {
			return nil, err
		}
		cols := newT.Columns()
		var oldT *msi.Table
		if baseHas[name] {
			if oldT, err = base.Table(name); err != nil {
				return nil, err
			}
			old := oldT.Columns()
			if err := appendOnly(name, old, cols); err != nil {
				return nil, err
			}
			for i := len(old); i < len(cols); i++ {
				columnsRecs = append(columnsRecs, columnRecord(name, int32(i+1), cols[i]))
			}
		} else {
			tablesRecs = append(tablesRecs, Record{Op: OpInsert, Mask: 0x0101, Present: 1, Values: msi.Row{msi.Str(name)}})
			for _, c := range cols {
				// Native transforms leave Number NULL for a new table's
				// columns; readers number them in record order.
				columnsRecs = append(columnsRecs, columnRecord(name, 0, c))
			}
		}
		var carry uint32
		for _, cn := range opt.Carry[name] {
			if i := newT.ColumnIndex(cn); i >= 0 && i < 16 {
				carry |= 1 << i
			}
		}
		recs, wide, err := diffRows(oldT, newT, cols, carry, streams)
		if err != nil {
			return nil, err
		}
		if wide && opt.Errors&ErrAddExistingRow == 0 {
			return nil, fmt.Errorf("transform: table %s: a row changes a column beyond the 16th, which only a full-row record can express; that needs the addexistingrow suppression flag", name)
		}
		if len(recs) > 0 {
			changes = append(changes, TableChange{Name: name, Columns: cols, Records: recs})
		}
	}
	for _, name := range base.Tables() {
		if !updHas[name] {
			tablesRecs = append(tablesRecs, Record{Op: OpDelete, Present: 1, Values: msi.Row{msi.Str(name)}})
		}
	}
	if len(tablesRecs) > 0 {
		changes = append(changes, TableChange{Name: msi.TablesTable, Columns: msi.TablesSchema(), Records: tablesRecs})
	}
	if len(columnsRecs) > 0 {
		changes = append(changes, TableChange{Name: msi.ColumnsTable, Columns: msi.ColumnsSchema(), Records: columnsRecs})
	}
	info, err := diffInfo(base, upd, opt)
	if err != nil {
		return nil, err
	}
	return Build(info, upd.Codepage(), changes, streams)
}

func columnRecord(table string, number int32, c msi.Column) Record {
	n := msi.Null
	if number > 0 {
		n = msi.Int(number)
	}
	return Record{Op: OpInsert, Mask: 0x0401, Present: 0xF, Values: msi.Row{msi.Str(table), n, msi.Str(c.Name), msi.Int(int32(int16(c.Type)))}}
}

// appendOnly checks that upd's columns are base's plus new ones at the end.
func appendOnly(table string, old, cols []msi.Column) error {
	if len(cols) < len(old) {
		return fmt.Errorf("transform: table %s loses columns (%d -> %d): a transform cannot remove columns", table, len(old), len(cols))
	}
	for i, c := range old {
		n := cols[i]
		if n.Name != c.Name || (n.Type|msi.TypeValid)&^msi.TypeLocalizable != (c.Type|msi.TypeValid)&^msi.TypeLocalizable {
			return fmt.Errorf("transform: table %s column %d changes from %s %v to %s %v: a transform cannot alter columns", table, i+1, c.Name, c.Type, n.Name, n.Type)
		}
	}
	for _, c := range cols[len(old):] {
		if c.Type.IsKey() || !c.Type.IsNullable() {
			return fmt.Errorf("transform: table %s: added column %s must be nullable and not a key", table, c.Name)
		}
	}
	return nil
}

// rowKey identifies a row by its key values.
func rowKey(cols []msi.Column, r msi.Row) string {
	var b strings.Builder
	for i, c := range cols {
		if c.Type.IsKey() && i < len(r) {
			b.WriteByte(byte('0' + r[i].Kind()))
			if n, ok := r[i].Int(); ok {
				b.WriteString(strconv.Itoa(int(n)))
			} else {
				b.WriteString(r[i].Str())
			}
			b.WriteByte(0)
		}
	}
	return b.String()
}

// diffRows compares a table's rows; oldT is nil for a new table. wide
// reports an update written as a full row (see below).
func diffRows(oldT, newT *msi.Table, cols []msi.Column, carry uint32, streams map[string][]byte) (recs []Record, wide bool, err error) {
	keyMask := uint32(0)
	for i, c := range cols {
		if c.Type.IsKey() {
			keyMask |= 1 << i
		}
	}
	newRows := newT.Rows()
	newIdx := make(map[string]int, len(newRows))
	for i, r := range newRows {
		newIdx[rowKey(cols, r)] = i
	}
	oldIdx := map[string]bool{}
	if oldT != nil {
		ncOld := len(oldT.Columns())
		for _, o := range oldT.Rows() {
			k := rowKey(cols, o)
			oldIdx[k] = true
			j, ok := newIdx[k]
			if !ok {
				vals := make(msi.Row, len(cols))
				for i := range cols {
					if keyMask&(1<<i) != 0 {
						vals[i] = o[i]
					}
				}
				recs = append(recs, Record{Op: OpDelete, Present: keyMask, Values: vals})
				continue
			}
			n := newRows[j]
			var changed uint32
			for i := range cols {
				if keyMask&(1<<i) != 0 {
					continue
				}
				var ov msi.Value
				if i < ncOld {
					ov = o[i]
				}
				same, err := sameCell(oldT, newT, cols[i], ov, n[i], o, n)
				if err != nil {
					return nil, false, err
				}
				if !same {
					changed |= 1 << i
				}
			}
			if changed == 0 {
				continue
			}
			if changed>>16 == 0 {
				changed |= carry &^ keyMask
			}
			rec := Record{Op: OpUpdate, Mask: uint16(changed), Present: keyMask | changed, Values: make(msi.Row, len(cols))}
			if changed>>16 != 0 {
				// The mask has 16 bits: a change beyond the 16th column
				// needs a full-row record, which replaces the existing
				// row only when "add existing row" is suppressed.
				wide = true
				rec = Record{Op: OpInsert, Mask: uint16(len(cols))<<8 | 1, Present: 1<<len(cols) - 1, Values: make(msi.Row, len(cols))}
			}
			for i := range cols {
				if rec.Present&(1<<i) != 0 {
					rec.Values[i] = n[i]
				}
			}
			if err := collectBinary(newT, cols, &rec, n, streams); err != nil {
				return nil, false, err
			}
			recs = append(recs, rec)
		}
	}
	for _, n := range newRows {
		if oldIdx[rowKey(cols, n)] {
			continue
		}
		rec := insertRecord(cols, n.Clone())
		if err := collectBinary(newT, cols, &rec, n, streams); err != nil {
			return nil, false, err
		}
		recs = append(recs, rec)
	}
	return recs, wide, nil
}

// insertRecord is a full-row record. Trailing NULL cells are left out when
// a binary column is among them: Wine's reader opens the "Table.Key"
// stream for every binary cell a record carries, even a NULL one, and drops
// the row when there is none; a shorter record means the same to every
// reader (missing trailing columns are NULL).
func insertRecord(cols []msi.Column, row msi.Row) Record {
	n := len(cols)
	for i := len(cols) - 1; i >= 0 && row[i].IsNull() && !cols[i].Type.IsKey(); i-- {
		if cols[i].Type.IsBinary() {
			n = i
		}
	}
	return Record{Op: OpInsert, Mask: uint16(n)<<8 | 1, Present: 1<<n - 1, Values: row}
}

// sameCell compares two cells; binary cells by their stream data.
func sameCell(oldT, newT *msi.Table, c msi.Column, ov, nv msi.Value, orow, nrow msi.Row) (bool, error) {
	if !c.Type.IsBinary() || ov.Kind() != msi.KindBinary || nv.Kind() != msi.KindBinary {
		return ov.Equal(nv), nil
	}
	a, err := oldT.Binary(orow, c.Name)
	if err != nil {
		return false, err
	}
	b, err := newT.Binary(nrow, c.Name)
	if err != nil {
		return false, err
	}
	return bytes.Equal(a, b), nil
}

// collectBinary puts the data of the record's binary cells into streams,
// named as the transform's reader will look for them.
func collectBinary(t *msi.Table, cols []msi.Column, rec *Record, row msi.Row, streams map[string][]byte) error {
	for i, c := range cols {
		if !rec.Has(i) || !c.Type.IsBinary() || row[i].Kind() != msi.KindBinary {
			continue
		}
		b, err := t.Binary(row, c.Name)
		if err != nil {
			return err
		}
		name := msi.BinaryStreamName(t.Name(), cols, row)
		streams[name] = b
		rec.Values[i] = msi.Binary(name)
	}
	return nil
}

// diffInfo fills the summary of a generated transform from both databases.
func diffInfo(base, upd *msi.Database, opt DiffOptions) (Info, error) {
	bf, err := FactsOf(base)
	if err != nil {
		return Info{}, err
	}
	nf, err := FactsOf(upd)
	if err != nil {
		return Info{}, err
	}
	bs, err := base.Summary()
	if err != nil {
		return Info{}, err
	}
	ns, err := upd.Summary()
	if err != nil {
		return Info{}, err
	}
	return Info{
		BasePlatform: bs.Platform(), BaseLanguage: bf.Language,
		NewPlatform: ns.Platform(), NewLanguage: nf.Language,
		BaseProductCode: bf.ProductCode, BaseVersion: bf.ProductVersion,
		NewProductCode: nf.ProductCode, NewVersion: nf.ProductVersion,
		UpgradeCode:  bf.UpgradeCode,
		MinInstaller: int(max(bs.PageCount(), ns.PageCount())),
		Validate:     opt.Validate, Errors: opt.Errors,
		CharCount: CharCount(opt.Validate, opt.Errors),
	}, nil
}
