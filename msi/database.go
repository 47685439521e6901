package msi

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"

	"github.com/ohotfix/ohotfix/internal/safeopen"

	"github.com/ohotfix/ohotfix/msi/cfb"
)

// Container is what a compound file holds, told by its root CLSID.
type Container int

const (
	Package   Container = iota // .msi / .msm / .pcp database {000C1084-…}
	Transform                  // .mst {000C1082-…}
	Patch                      // .msp {000C1086-…}
)

func (c Container) String() string {
	return [...]string{"package", "transform", "patch"}[c]
}

// Root CLSIDs in stored (GUID) byte order.
var (
	CLSIDPackage   = [16]byte{0x84, 0x10, 0x0c, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46}
	CLSIDTransform = [16]byte{0x82, 0x10, 0x0c, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46}
	CLSIDPatch     = [16]byte{0x86, 0x10, 0x0c, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46}
)

// CLSID returns the root CLSID of a container kind.
func (c Container) CLSID() [16]byte {
	switch c {
	case Transform:
		return CLSIDTransform
	case Patch:
		return CLSIDPatch
	}
	return CLSIDPackage
}

// SummaryStream is the (unencoded) name of the summary information stream.
const SummaryStream = "\x05SummaryInformation"

// item is one stream of the root storage: still in the source file (entry),
// or replaced/added in memory (data).
type item struct {
	stored string     // name as stored in the file ("" = encode on write)
	entry  *cfb.Entry // source, when unchanged
	data   []byte     // new content, when entry is nil
}

// Database is an MSI database (or a transform or patch container) held
// partly in memory. Open reads the compound file directory, the string pool
// and the catalog; table rows, streams and the summary are read on first
// use. Changes stay in memory until Commit or WriteFile, which write a whole
// new file and rename it into place.
type Database struct {
	path      string
	file      *os.File
	rd        *cfb.Reader
	container Container
	rootCLSID [16]byte

	pool     *StringPool // as read (or as set, for transforms)
	codepage int
	poolSet  bool // SetPool was called (transform writers)

	order   []string              // table order as listed in _Tables
	schemas map[string][]Column   // catalog
	tables  map[string]*Table     // loaded tables
	tstream map[string]*item      // table streams by table name (raw)
	meta    map[string]*item      // pool and catalog streams as read
	streams map[string]*item      // other streams by decoded name
	storage map[string]*cfb.Entry // substorages from the file by decoded name
	newStor map[string]*cfb.Node  // substorages added or replaced

	summary      *SummaryInfo
	summaryDirty bool
	schemaDirty  bool
	poolDirty    bool // code page changed
}

// New returns an empty database of the given kind, code page 0. Written as
// is, it holds an empty string pool (and, for packages and patches, empty
// catalog tables), which every reader requires.
func New(kind Container) *Database {
	db := newDatabase(kind)
	db.schemaDirty = kind != Transform
	db.poolSet = kind == Transform
	return db
}

func newDatabase(kind Container) *Database {
	return &Database{
		container: kind,
		rootCLSID: kind.CLSID(),
		pool:      NewStringPool(0),
		schemas:   map[string][]Column{},
		tables:    map[string]*Table{},
		tstream:   map[string]*item{},
		meta:      map[string]*item{},
		streams:   map[string]*item{},
		storage:   map[string]*cfb.Entry{},
		newStor:   map[string]*cfb.Node{},
	}
}

// Open opens the database file at path for reading and later Commit.
// Errors: *os.PathError and other I/O errors when the file cannot be read;
// *FormatError (or a cfb error) when it is not a valid container.
func Open(path string) (*Database, error) {
	// A FIFO, device or directory is refused at once (safeopen): an
	// open(2) of a FIFO would block until a writer comes.
	f, size, err := safeopen.OpenSized(path)
	if err != nil {
		return nil, err
	}
	db, err := OpenReader(f, size)
	if err != nil {
		f.Close()
		return nil, err
	}
	db.path, db.file = path, f
	return db, nil
}

// OpenReader opens a database from r (size bytes). The reader must stay
// valid while the database is used.
func OpenReader(r io.ReaderAt, size int64) (*Database, error) {
	rd, err := cfb.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	return FromCFB(rd)
}

// FromCFB opens a database from an opened compound file.
func FromCFB(rd *cfb.Reader) (*Database, error) {
	return fromStorage(rd, rd.Root())
}

// FromStorage opens the database held by a storage entry of rd, such as a
// transform substorage of a patch.
func FromStorage(rd *cfb.Reader, st *cfb.Entry) (*Database, error) {
	if st == nil || !st.IsStorage() {
		return nil, formatErr("storage", "not a storage")
	}
	return fromStorage(rd, st)
}

func fromStorage(rd *cfb.Reader, root *cfb.Entry) (*Database, error) {
	db := newDatabase(Package)
	db.rd = rd
	db.rootCLSID = root.CLSID
	switch root.CLSID {
	case CLSIDPackage:
		db.container = Package
	case CLSIDTransform:
		db.container = Transform
	case CLSIDPatch:
		db.container = Patch
	case [16]byte{}:
		// Tolerated on reading (some tools leave it zero); written back
		// with the package CLSID, which Windows Installer requires.
		db.container, db.rootCLSID = Package, CLSIDPackage
	default:
		return nil, formatErr("root storage", "CLSID % x is not that of an installer database, transform or patch", root.CLSID[:])
	}
	for _, e := range root.Children {
		name, isTable := decodeStreamName(e.Name)
		switch {
		case e.IsStorage():
			db.storage[name] = e
		case isTable:
			db.tstream[name] = &item{stored: e.Name, entry: e}
		default:
			db.streams[name] = &item{stored: e.Name, entry: e}
		}
	}
	if err := db.loadPool(); err != nil {
		return nil, err
	}
	if db.container == Transform {
		return db, nil // its table streams are transform records, not tables
	}
	if err := db.loadCatalog(); err != nil {
		return nil, err
	}
	return db, nil
}

// maxMetaStream bounds the streams Open reads whole (pool, catalog,
// summary) beyond what the file size already bounds.
const maxMetaStream = 1 << 30

func (db *Database) readItem(it *item, what string) ([]byte, error) {
	if it.entry == nil {
		return it.data, nil
	}
	if it.entry.Size > maxMetaStream {
		return nil, formatErr(what, "stream of %d bytes is too large", it.entry.Size)
	}
	b, err := db.rd.ReadStream(it.entry)
	if err != nil {
		return nil, fmt.Errorf("msi: reading %s: %w", what, err)
	}
	return b, nil
}

func (db *Database) loadPool() error {
	pi, di := db.tstream[PoolStream], db.tstream[DataStream]
	if pi == nil && di == nil {
		if db.container == Transform {
			return nil
		}
		return formatErr("database", "no string pool (_StringPool/_StringData): not an installer database")
	}
	if pi == nil || di == nil {
		return formatErr("database", "string pool is incomplete (one of _StringPool/_StringData is missing)")
	}
	pool, err := db.readItem(pi, PoolStream)
	if err != nil {
		return err
	}
	data, err := db.readItem(di, DataStream)
	if err != nil {
		return err
	}
	p, err := decodeStringPool(pool, data)
	if err != nil {
		return err
	}
	db.pool, db.codepage = p, p.Codepage
	db.meta[PoolStream], db.meta[DataStream] = pi, di
	delete(db.tstream, PoolStream)
	delete(db.tstream, DataStream)
	return nil
}

func (db *Database) decodeRaw(name string, cols []Column) ([]Row, error) {
	it := db.tstream[name]
	if it == nil {
		return nil, nil // a table without rows has no stream
	}
	b, err := db.readItem(it, "table "+name)
	if err != nil {
		return nil, err
	}
	return decodeRows(name, cols, b, db.pool)
}

func (db *Database) loadCatalog() error {
	trows, err := db.decodeRaw(TablesTable, tablesSchema)
	if err != nil {
		return err
	}
	crows, err := db.decodeRaw(ColumnsTable, columnsSchema)
	if err != nil {
		return err
	}
	order, schemas, err := decodeCatalog(trows, crows)
	if err != nil {
		return err
	}
	db.order, db.schemas = order, schemas
	db.meta[TablesTable], db.meta[ColumnsTable] = db.tstream[TablesTable], db.tstream[ColumnsTable]
	delete(db.tstream, TablesTable)
	delete(db.tstream, ColumnsTable)
	return nil
}

// Close releases the file opened by Open. Uncommitted changes are lost.
func (db *Database) Close() error {
	if db.file != nil {
		err := db.file.Close()
		db.file = nil
		return err
	}
	return nil
}

// Path is the file the database was opened from ("" for New/OpenReader).
func (db *Database) Path() string { return db.path }

// Container tells package, transform or patch (from the root CLSID).
func (db *Database) Container() Container { return db.container }

// CLSID is the root storage's class id.
func (db *Database) CLSID() [16]byte { return db.rootCLSID }

// Codepage is the string pool's code page (0 = neutral).
func (db *Database) Codepage() int { return db.codepage }

// SetCodepage changes the code page strings are stored in (what an IDT
// `_ForceCodepage` does). Every string must be representable in it at Commit.
func (db *Database) SetCodepage(cp int) error {
	if !supportedCodepage(cp) {
		return fmt.Errorf("msi: unsupported code page %d", cp)
	}
	db.codepage = cp
	db.poolDirty = true
	return nil
}

// Pool returns the string pool as read from the file (for transforms: the
// transform's own pool). Do not modify it unless you then SetPool it.
func (db *Database) Pool() *StringPool { return db.pool }

// SetPool replaces the pool written for a Transform container (whose table
// streams are raw records referring to it). For packages and patches the
// pool is rebuilt from the tables at commit and this is an error.
func (db *Database) SetPool(p *StringPool) error {
	if db.container != Transform {
		return errors.New("msi: SetPool is only for transforms; packages rebuild their pool at commit")
	}
	db.pool, db.codepage, db.poolSet = p, p.Codepage, true
	return nil
}

// Tables lists the tables in catalog order.
func (db *Database) Tables() []string { return slices.Clone(db.order) }

// HasTable reports whether the catalog lists name.
func (db *Database) HasTable(name string) bool { _, ok := db.schemas[name]; return ok }

// Schema returns a table's columns without loading its rows.
func (db *Database) Schema(name string) ([]Column, error) {
	cols, ok := db.schemas[name]
	if !ok {
		return nil, fmt.Errorf("msi: table %s: %w", name, ErrNotFound)
	}
	if len(cols) == 0 {
		return nil, formatErr("table "+name, "listed in _Tables but has no columns")
	}
	return slices.Clone(cols), nil
}

// Table returns a table, reading its rows on first use.
func (db *Database) Table(name string) (*Table, error) {
	if t, ok := db.tables[name]; ok {
		return t, nil
	}
	cols, err := db.Schema(name)
	if err != nil {
		return nil, err
	}
	rows, err := db.decodeRaw(name, cols)
	if err != nil {
		return nil, err
	}
	t := &Table{name: name, columns: cols, db: db, rows: rows}
	db.tables[name] = t
	return t, nil
}

// CreateTable adds an empty table. Key columns must come first.
func (db *Database) CreateTable(name string, cols []Column) (*Table, error) {
	if db.container == Transform {
		return nil, errors.New("msi: a transform has no tables of its own")
	}
	if _, ok := db.schemas[name]; ok || name == TablesTable || name == ColumnsTable {
		return nil, fmt.Errorf("msi: table %s already exists", name)
	}
	if err := checkSchema(name, cols); err != nil {
		return nil, err
	}
	cols = slices.Clone(cols)
	for i := range cols {
		cols[i].Type |= TypeValid
	}
	db.schemas[name] = cols
	db.order = append(db.order, name)
	t := &Table{name: name, columns: cols, db: db, dirty: true}
	db.tables[name] = t
	db.schemaDirty = true
	return t, nil
}

// DropTable removes a table, its rows and its binary streams.
func (db *Database) DropTable(name string) error {
	if _, ok := db.schemas[name]; !ok {
		return fmt.Errorf("msi: table %s: %w", name, ErrNotFound)
	}
	t, err := db.Table(name)
	if err == nil {
		for _, r := range t.rows {
			for c, col := range t.columns {
				if col.Type.IsBinary() && r[c].kind == KindBinary {
					db.deleteStream(r[c].s)
				}
			}
		}
	}
	delete(db.schemas, name)
	delete(db.tables, name)
	delete(db.tstream, name)
	db.order = slices.DeleteFunc(db.order, func(s string) bool { return s == name })
	db.schemaDirty = true
	return nil
}

// Streams lists the non-table streams of the root storage by decoded name
// (binary cells "Table.Key", cabinets, "\x05SummaryInformation"...), sorted.
func (db *Database) Streams() []string {
	out := make([]string, 0, len(db.streams))
	for n := range db.streams {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// StreamSize returns the size of a stream.
func (db *Database) StreamSize(name string) (int64, error) {
	it, ok := db.streams[name]
	if !ok {
		return 0, fmt.Errorf("msi: stream %q: %w", name, ErrNotFound)
	}
	if it.entry != nil {
		return it.entry.Size, nil
	}
	return int64(len(it.data)), nil
}

// OpenStream returns a reader of a stream's content without loading it.
func (db *Database) OpenStream(name string) (io.ReaderAt, int64, error) {
	it, ok := db.streams[name]
	if !ok {
		return nil, 0, fmt.Errorf("msi: stream %q: %w", name, ErrNotFound)
	}
	if it.entry == nil {
		return bytesReaderAt(it.data), int64(len(it.data)), nil
	}
	s, err := db.rd.OpenStream(it.entry)
	if err != nil {
		return nil, 0, err
	}
	return s, s.Size(), nil
}

// ReadStream returns a stream's content.
func (db *Database) ReadStream(name string) ([]byte, error) {
	it, ok := db.streams[name]
	if !ok {
		return nil, fmt.Errorf("msi: stream %q: %w", name, ErrNotFound)
	}
	if it.entry == nil {
		return it.data, nil
	}
	return db.rd.ReadStream(it.entry)
}

// WriteStream adds or replaces a (non-table) stream.
func (db *Database) WriteStream(name string, data []byte) error {
	if !validStreamName(name, false) {
		return fmt.Errorf("msi: stream name %q is empty or longer than %d packed characters", name, MaxStreamNameLen)
	}
	db.putStream(name, data)
	return nil
}

func (db *Database) putStream(name string, data []byte) {
	if name == SummaryStream {
		db.summary, db.summaryDirty = nil, false
	}
	db.streams[name] = &item{data: data}
}

// DeleteStream removes a stream; it reports whether it existed.
func (db *Database) DeleteStream(name string) bool { return db.deleteStream(name) }

func (db *Database) deleteStream(name string) bool {
	_, ok := db.streams[name]
	delete(db.streams, name)
	return ok
}

// Storages lists the substorages (embedded transforms of a package, the
// transforms of a patch) by decoded name.
func (db *Database) Storages() []string {
	seen := map[string]bool{}
	var out []string
	for n := range db.storage {
		seen[n] = true
		out = append(out, n)
	}
	for n := range db.newStor {
		if !seen[n] {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// OpenStorage opens a substorage as a database of its own (read only: to
// change it, build a new one and SetStorage its tree).
func (db *Database) OpenStorage(name string) (*Database, error) {
	if _, ok := db.newStor[name]; ok {
		return nil, errors.New("msi: storage was replaced in memory; open its source instead")
	}
	e, ok := db.storage[name]
	if !ok {
		return nil, fmt.Errorf("msi: storage %q: %w", name, ErrNotFound)
	}
	return FromStorage(db.rd, e)
}

// SetStorage adds or replaces a substorage with a compound-file tree (as
// built by Database.Tree); nil removes it.
func (db *Database) SetStorage(name string, n *cfb.Node) {
	delete(db.storage, name)
	if n == nil {
		delete(db.newStor, name)
		return
	}
	db.newStor[name] = n
}

// TableStreams lists raw table streams that are not catalog tables: for a
// transform, the changed tables; for a package, streams without a catalog
// entry (kept as they are).
func (db *Database) TableStreams() []string {
	var out []string
	for n := range db.tstream {
		if _, ok := db.schemas[n]; !ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// ReadTableStream returns the raw bytes of the table stream for name.
func (db *Database) ReadTableStream(name string) ([]byte, error) {
	it, ok := db.tstream[name]
	if !ok {
		return nil, fmt.Errorf("msi: table stream %q: %w", name, ErrNotFound)
	}
	return db.readItem(it, "table "+name)
}

// WriteTableStream sets the raw bytes of a table stream (transform writers);
// nil removes it. For a package, a stream for a catalog table is replaced by
// the table's rows at commit.
func (db *Database) WriteTableStream(name string, data []byte) error {
	if !validStreamName(name, true) {
		return fmt.Errorf("msi: table name %q is too long for a stream name", name)
	}
	if data == nil {
		delete(db.tstream, name)
		return nil
	}
	db.tstream[name] = &item{data: data}
	return nil
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off > int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
