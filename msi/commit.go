package msi

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/ohotfix/ohotfix/msi/cfb"
)

// Summary returns the summary information, reading it on first use. A
// database without the stream gets an empty set (which Commit writes only if
// it was changed with SetSummary).
func (db *Database) Summary() (*SummaryInfo, error) {
	if db.summary != nil {
		return db.summary, nil
	}
	it, ok := db.streams[SummaryStream]
	if !ok {
		db.summary = NewSummaryInfo()
		return db.summary, nil
	}
	b, err := db.readItem(it, "summary information")
	if err != nil {
		return nil, err
	}
	si, err := DecodeSummaryInfo(b)
	if err != nil {
		return nil, err
	}
	db.summary = si
	return si, nil
}

// SetSummary replaces the summary information written at commit. Changes
// made to the set returned by Summary are written too (call SetSummary with
// it, or MarkSummaryChanged).
func (db *Database) SetSummary(si *SummaryInfo) {
	db.summary, db.summaryDirty = si, true
}

// changed reports whether the pool and tables must be rebuilt.
func (db *Database) changed() bool {
	if db.schemaDirty || db.poolDirty {
		return true
	}
	for _, t := range db.tables {
		if t.dirty {
			return true
		}
	}
	return false
}

// storedName is how a stream name is written: packed, except names that
// start with a control character (\005SummaryInformation and friends).
func storedName(name string, table bool) string {
	if !table && name != "" && name[0] < 0x20 {
		return name
	}
	return encodeStreamName(name, table)
}

func (db *Database) itemNode(name string, it *item, table bool) (*cfb.Node, error) {
	n := &cfb.Node{Name: it.stored}
	if n.Name == "" {
		n.Name = storedName(name, table)
	}
	if it.entry == nil {
		n.Data = it.data
		return n, nil
	}
	s, err := db.rd.OpenStream(it.entry)
	if err != nil {
		return nil, err
	}
	n.Source, n.Size = s, s.Size()
	n.Created, n.Modified, n.StateBits, n.CLSID = it.entry.Created, it.entry.Modified, it.entry.StateBits, it.entry.CLSID
	return n, nil
}

// Tree builds the compound-file tree of the database as it now stands.
// Unchanged streams are copied lazily from the source file.
func (db *Database) Tree() (*cfb.Node, error) {
	root := &cfb.Node{Storage: true, CLSID: db.rootCLSID}
	if db.summaryDirty && db.summary != nil {
		b, err := db.summary.Encode()
		if err != nil {
			return nil, err
		}
		db.streams[SummaryStream] = &item{data: b}
		db.summaryDirty = false
	}
	if db.container != Transform && db.changed() {
		if err := db.rebuild(); err != nil {
			return nil, err
		}
	}
	if db.container == Transform && db.poolSet {
		pool, data, err := db.pool.Encode()
		if err != nil {
			return nil, err
		}
		db.meta[PoolStream], db.meta[DataStream] = &item{data: pool}, &item{data: data}
		db.poolSet = false
	}
	add := func(name string, it *item, table bool) error {
		n, err := db.itemNode(name, it, table)
		if err != nil {
			return err
		}
		root.Children = append(root.Children, n)
		return nil
	}
	for _, name := range sortedKeys(db.meta) {
		if it := db.meta[name]; it != nil && (it.entry != nil || len(it.data) > 0 || name == PoolStream || name == DataStream) {
			if err := add(name, it, true); err != nil {
				return nil, err
			}
		}
	}
	for _, name := range sortedKeys(db.tstream) {
		if err := add(name, db.tstream[name], true); err != nil {
			return nil, err
		}
	}
	for _, name := range sortedKeys(db.streams) {
		if err := add(name, db.streams[name], false); err != nil {
			return nil, err
		}
	}
	if len(db.storage) > 0 && db.rd != nil {
		all, err := db.rd.Tree()
		if err != nil {
			return nil, err
		}
		byName := map[string]*cfb.Node{}
		for _, c := range all.Children {
			byName[c.Name] = c
		}
		// The tree of a substorage opened through FromStorage is found by
		// walking from the file root; match on stored names.
		for name, e := range db.storage {
			n := findNode(all, e)
			if n == nil {
				n = byName[e.Name]
			}
			if n == nil {
				return nil, fmt.Errorf("msi: storage %q vanished from the source", name)
			}
			root.Children = append(root.Children, n)
		}
	}
	for _, name := range sortedKeys(db.newStor) {
		n := *db.newStor[name]
		n.Name, n.Storage = name, true
		root.Children = append(root.Children, &n)
	}
	return root, nil
}

// findNode locates the node for entry e in a tree made by cfb.Reader.Tree by
// walking the entry path (names are unique within a storage).
func findNode(root *cfb.Node, e *cfb.Entry) *cfb.Node {
	var walk func(n *cfb.Node) *cfb.Node
	walk = func(n *cfb.Node) *cfb.Node {
		for _, c := range n.Children {
			if c.Storage && c.Name == e.Name && c.CLSID == e.CLSID {
				return c
			}
			if c.Storage {
				if f := walk(c); f != nil {
					return f
				}
			}
		}
		return nil
	}
	return walk(root)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// tablePlan is how one table reaches the new file: re-encoded from its rows
// (changed tables) or copied as raw bytes (tables not changed, whose string
// ids stay valid because the ids of strings still in use are kept).
type tablePlan struct {
	name string
	cols []Column
	rows []Row  // encode these when encode is set
	raw  []byte // otherwise the stored stream (nil = no rows)
	enc  bool
}

// rebuild builds a fresh string pool and the catalog and table streams.
// Unchanged tables are not decoded: their string references are counted
// straight from the stored bytes and the bytes are copied, so a commit costs
// in proportion to what changed (unless the reference width must change).
// The pool keeps the ids of strings still in use, unused ids become holes,
// new strings fill the lowest free ids, and every reference count is exact.
func (db *Database) rebuild() error {
	old := db.pool
	oldW := old.RefWidth()
	idCount := make([]int, old.Count())
	uses := make(map[string]*strUse, 1024)
	var block []strUse // strUse values, allocated in blocks
	countRows := func(cols []Column, rows []Row) {
		for c, col := range cols {
			if col.Type&TypeString == 0 || col.Type.IsBinary() {
				continue
			}
			for _, r := range rows {
				if r[c].kind != KindString {
					continue
				}
				u := uses[r[c].s]
				if u == nil {
					if len(block) == cap(block) {
						block = make([]strUse, 0, 4096)
					}
					block = append(block, strUse{})
					u = &block[len(block)-1]
					uses[r[c].s] = u
				}
				u.n++
			}
		}
	}
	plans := make([]tablePlan, 0, len(db.order)+2)
	var trows, crows []Row
	for _, name := range db.order {
		cols, err := db.Schema(name)
		if err != nil {
			return err
		}
		trows = append(trows, Row{Str(name)})
		for i, c := range cols {
			crows = append(crows, Row{Str(name), Int(int32(i + 1)), Str(c.Name), Int(int32(int16(c.Type)))})
		}
		if t, ok := db.tables[name]; ok && t.dirty {
			countRows(t.columns, t.rows)
			plans = append(plans, tablePlan{name: name, cols: cols, rows: t.rows, enc: true})
			continue
		}
		raw, err := db.rawTable(name, cols, idCount)
		if err != nil {
			return err
		}
		plans = append(plans, tablePlan{name: name, cols: cols, raw: raw})
	}
	countRows(tablesSchema, trows)
	countRows(columnsSchema, crows)
	plans = append(plans,
		tablePlan{name: TablesTable, cols: tablesSchema, rows: trows, enc: true},
		tablePlan{name: ColumnsTable, cols: columnsSchema, rows: crows, enc: true})

	pool := buildPool(old, idCount, uses, db.codepage)
	poolBytes, dataBytes, err := pool.Encode()
	if err != nil {
		return err
	}
	if pool.RefWidth() != oldW {
		// The pool outgrew 2-byte references: every table is re-encoded.
		pool.index = nil
		for i, pl := range plans {
			if pl.enc || pl.raw == nil {
				continue
			}
			rows, err := decodeRows(pl.name, pl.cols, pl.raw, old)
			if err != nil {
				return err
			}
			plans[i].rows, plans[i].enc = rows, true
		}
	}
	encoded := make(map[string][]byte, len(plans))
	for _, pl := range plans {
		if !pl.enc {
			encoded[pl.name] = pl.raw
			continue
		}
		b, err := encodeRows(pl.name, pl.cols, pl.rows, pool)
		if err != nil {
			return err
		}
		encoded[pl.name] = b
	}
	// Commit the new state only once everything encoded.
	db.pool = pool
	db.meta = map[string]*item{
		PoolStream: {data: poolBytes}, DataStream: {data: dataBytes},
		TablesTable: {data: encoded[TablesTable]}, ColumnsTable: {data: encoded[ColumnsTable]},
	}
	for _, name := range db.order {
		if b := encoded[name]; len(b) > 0 {
			db.tstream[name] = &item{data: b}
		} else {
			delete(db.tstream, name) // no rows, no stream
		}
		if t, ok := db.tables[name]; ok {
			t.dirty = false
		}
	}
	db.schemaDirty, db.poolDirty = false, false
	return nil
}

// rawTable returns the stored rows of an unchanged table (whole rows only)
// and adds its string references to idCount, checking every id.
func (db *Database) rawTable(name string, cols []Column, idCount []int) ([]byte, error) {
	it := db.tstream[name]
	if it == nil {
		return nil, nil
	}
	raw, err := db.readItem(it, "table "+name)
	if err != nil {
		return nil, err
	}
	w := db.pool.RefWidth()
	rw := rowWidth(cols, w)
	if rw == 0 {
		return nil, nil
	}
	n := len(raw) / rw
	raw = raw[:n*rw]
	off := 0
	for _, col := range cols {
		cw := col.Type.Width(w)
		if col.Type&TypeString != 0 && !col.Type.IsBinary() {
			for r := 0; r < n; r++ {
				b := raw[off+r*cw:]
				id := int(binary.LittleEndian.Uint16(b))
				if cw == 3 {
					id |= int(b[2]) << 16
				}
				if id >= len(idCount) {
					return nil, formatErr("table "+name, "row %d column %s: string id %d beyond the pool (%d ids)", r+1, col.Name, id, len(idCount))
				}
				idCount[id]++ // id 0 (NULL) is counted but never stored
			}
		}
		off += cw * n
	}
	return raw, nil
}

// strUse counts the cells using a string and records its new id.
type strUse struct {
	n  int
	id uint32
}

// buildPool keeps the ids of old strings still referenced (by id from raw
// tables, idCount, or by value, uses), drops the others (holes), puts new
// strings in the lowest free ids and sets every reference count. The new
// pool keeps old's reference width unless it outgrows it.
func buildPool(old *StringPool, idCount []int, uses map[string]*strUse, cp int) *StringPool {
	p := NewStringPool(cp)
	p.LongRefs = old.LongRefs
	p.strs = make([]string, len(old.strs))
	refs := make([]int, len(old.strs))
	for id := 1; id < len(idCount); id++ {
		if idCount[id] > 0 && old.strs[id] != "" {
			p.strs[id], refs[id] = old.strs[id], idCount[id]
		}
	}
	var fresh []string
	for s, u := range uses {
		if id, ok := old.ID(s); ok {
			u.id = id
			p.strs[id] = s
			refs[id] += u.n
		} else {
			fresh = append(fresh, s)
		}
	}
	sort.Strings(fresh)
	// An id a raw table references stays reserved even if it is a hole
	// (its cells read as NULL and must keep doing so).
	taken := func(id int) bool { return p.strs[id] != "" || id < len(idCount) && idCount[id] > 0 }
	id := 1
	for _, s := range fresh {
		for id < len(p.strs) && taken(id) {
			id++
		}
		if id < len(p.strs) {
			p.strs[id] = s
		} else {
			p.strs = append(p.strs, s)
			refs = append(refs, 0)
		}
		uses[s].id = uint32(id)
		refs[id] = uses[s].n
		id++
	}
	for len(p.strs) > 1 && !taken(len(p.strs)-1) {
		p.strs = p.strs[:len(p.strs)-1]
	}
	p.refs = make([]uint16, len(p.strs))
	for i := 1; i < len(p.strs); i++ {
		if p.strs[i] == "" {
			continue // a hole, even if referenced
		}
		p.refs[i] = uint16(min(refs[i], 0xFFFF))
	}
	p.index = make(map[string]uint32, len(uses))
	for s, u := range uses {
		p.index[s] = u.id
	}
	return p
}

// Write writes the whole database as a compound file (version 3).
func (db *Database) Write(w io.Writer) error {
	root, err := db.Tree()
	if err != nil {
		return err
	}
	return cfb.Write(w, root, &cfb.WriteOptions{Version: 3})
}

// WriteFile writes the database to path atomically (temporary file, then
// rename). The database keeps reading unchanged data from its source.
func (db *Database) WriteFile(path string) error {
	root, err := db.Tree()
	if err != nil {
		return err
	}
	return cfb.WriteFile(path, root, &cfb.WriteOptions{Version: 3})
}

// Commit writes the database back to the path it was opened from, through
// a temporary file renamed over it: readers never see a half-written file.
// The source file is closed before the rename (Windows cannot rename over an
// open file) and the database is then reopened from the new file, so it
// stays usable; *Table values obtained before Commit are stale afterwards
// (call Table again).
func (db *Database) Commit() error {
	if db.path == "" {
		return ErrReadOnly
	}
	root, err := db.Tree()
	if err != nil {
		return err
	}
	dir := filepath.Dir(db.path)
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(db.path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(db.path)+".*.tmp")
	if err != nil {
		return err
	}
	fail := func(err error) error {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := cfb.Write(tmp, root, &cfb.WriteOptions{Version: 3}); err != nil {
		return fail(err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	db.Close()
	renameErr := os.Rename(tmp.Name(), db.path)
	if renameErr != nil {
		os.Remove(tmp.Name())
	}
	fresh, err := Open(db.path)
	if err != nil {
		return errors.Join(renameErr, fmt.Errorf("msi: reopening %s after commit: %w", db.path, err))
	}
	*db = *fresh
	return renameErr
}
