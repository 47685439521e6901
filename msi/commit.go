package msi

import (
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
	return EncodeStreamName(name, table)
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

// rebuild loads every table, builds a fresh string pool (keeping the ids of
// strings still in use, counting references exactly) and re-encodes the
// catalog and every table stream.
func (db *Database) rebuild() error {
	tables := make([]*Table, 0, len(db.order))
	for _, name := range db.order {
		t, err := db.Table(name)
		if err != nil {
			return err
		}
		tables = append(tables, t)
	}
	// Catalog rows.
	var trows, crows []Row
	for _, t := range tables {
		trows = append(trows, Row{Str(t.name)})
		for i, c := range t.columns {
			crows = append(crows, Row{Str(t.name), Int(int32(i + 1)), Str(c.Name), Int(int32(int16(c.Type)))})
		}
	}
	hint := 1024
	if db.pool != nil {
		hint += db.pool.Count()
	}
	uses := make(map[string]*strUse, hint)
	block := make([]strUse, 0, hint) // strUse values, allocated in blocks
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
	countRows(tablesSchema, trows)
	countRows(columnsSchema, crows)
	for _, t := range tables {
		countRows(t.columns, t.rows)
	}
	pool := buildPool(db.pool, uses, db.codepage)
	poolBytes, dataBytes, err := pool.Encode()
	if err != nil {
		return err
	}
	encoded := map[string][]byte{}
	enc := func(name string, cols []Column, rows []Row) error {
		b, err := EncodeRows(name, cols, rows, pool)
		if err != nil {
			return err
		}
		encoded[name] = b
		return nil
	}
	if err := enc(TablesTable, tablesSchema, trows); err != nil {
		return err
	}
	if err := enc(ColumnsTable, columnsSchema, crows); err != nil {
		return err
	}
	for _, t := range tables {
		if err := enc(t.name, t.columns, t.rows); err != nil {
			return err
		}
	}
	// Commit the new state only once everything encoded.
	db.pool = pool
	db.meta = map[string]*item{
		PoolStream: {data: poolBytes}, DataStream: {data: dataBytes},
		TablesTable: {data: encoded[TablesTable]}, ColumnsTable: {data: encoded[ColumnsTable]},
	}
	for _, t := range tables {
		if b := encoded[t.name]; len(b) > 0 {
			db.tstream[t.name] = &item{data: b}
		} else {
			delete(db.tstream, t.name) // no rows, no stream
		}
		t.dirty = false
	}
	db.schemaDirty, db.poolDirty = false, false
	return nil
}

// strUse counts the cells using a string and records its new id.
type strUse struct {
	n  int
	id uint32
}

// buildPool keeps the ids strings had in old, drops strings no longer used
// (they become holes), puts new strings in the lowest free ids, and sets
// every reference count to the number of cells using the string.
func buildPool(old *StringPool, uses map[string]*strUse, cp int) *StringPool {
	p := NewStringPool(cp)
	if old != nil {
		p.strs = make([]string, len(old.strs))
		for id, s := range old.strs {
			if id == 0 || s == "" {
				continue
			}
			if u := uses[s]; u != nil && u.id == 0 {
				p.strs[id] = s
				u.id = uint32(id)
			}
		}
	}
	var fresh []string
	for s, u := range uses {
		if u.id == 0 {
			fresh = append(fresh, s)
		}
	}
	sort.Strings(fresh)
	id := 1
	for _, s := range fresh {
		for id < len(p.strs) && p.strs[id] != "" {
			id++
		}
		if id < len(p.strs) {
			p.strs[id] = s
		} else {
			p.strs = append(p.strs, s)
		}
		uses[s].id = uint32(id)
		id++
	}
	for len(p.strs) > 1 && p.strs[len(p.strs)-1] == "" {
		p.strs = p.strs[:len(p.strs)-1]
	}
	p.refs = make([]uint16, len(p.strs))
	p.index = make(map[string]uint32, len(uses))
	for s, u := range uses {
		p.refs[u.id] = uint16(min(u.n, 0xFFFF))
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
