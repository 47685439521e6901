package transform

import (
	"errors"
	"fmt"
	"sort"

	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/cfb"
)

// Transform is a parsed .mst: its summary (Info), its own string pool and
// the raw record stream of every table it changes. Records are decoded
// against a schema on demand (Changes), because their layout depends on the
// column types of the database the transform is applied to.
type Transform struct {
	Info Info

	summary *msi.SummaryInfo
	pool    *msi.StringPool
	raw     map[string][]byte // table -> record stream
	streams map[string][]byte // binary cell data, by decoded stream name
	src     *msi.Database     // source of streams not in the map
	closer  func() error
}

// ErrNotTransform is returned (wrapped in an *msi.FormatError) when a file
// is not a transform.
var ErrNotTransform = errors.New("not a transform (root CLSID is not {000C1082-0000-0000-C000-000000000046})")

// Open reads the transform file at path. I/O failures are returned as is;
// malformed content as *msi.FormatError or cfb errors.
func Open(path string) (*Transform, error) {
	db, err := msi.Open(path)
	if err != nil {
		return nil, err
	}
	t, err := FromDatabase(db)
	if err != nil {
		db.Close()
		return nil, err
	}
	t.closer = db.Close
	return t, nil
}

// OpenStorage reads the transform held in a substorage of a compound file
// (the transforms of a patch, or one embedded in a package).
func OpenStorage(rd *cfb.Reader, st *cfb.Entry) (*Transform, error) {
	db, err := msi.FromStorage(rd, st)
	if err != nil {
		return nil, err
	}
	return FromDatabase(db)
}

// FromDatabase reads a transform opened as an msi.Database container
// (Container() == msi.Transform). The database must stay readable while the
// transform's binary streams are used.
func FromDatabase(db *msi.Database) (*Transform, error) {
	if db.Container() != msi.Transform {
		return nil, &msi.FormatError{What: "transform", Msg: ErrNotTransform.Error()}
	}
	t := &Transform{pool: db.Pool(), raw: map[string][]byte{}, streams: map[string][]byte{}, src: db}
	si, err := db.Summary()
	if err != nil {
		return nil, err
	}
	t.summary = si
	t.Info = InfoFromSummary(si)
	for _, name := range db.TableStreams() {
		b, err := db.ReadTableStream(name)
		if err != nil {
			return nil, err
		}
		t.raw[name] = b
	}
	return t, nil
}

// Close releases the file opened by Open.
func (t *Transform) Close() error {
	if t.closer != nil {
		err := t.closer()
		t.closer = nil
		return err
	}
	return nil
}

// Summary is the transform's summary information as read (or as it will be
// written).
func (t *Transform) Summary() *msi.SummaryInfo { return t.summary }

// Pool is the transform's own string pool.
func (t *Transform) Pool() *msi.StringPool { return t.pool }

// Codepage is the code page of the transform's string pool.
func (t *Transform) Codepage() int { return t.pool.Codepage }

// Tables lists the tables the transform has records for: _Tables and
// _Columns first (they are applied first), then the others by name.
func (t *Transform) Tables() []string {
	var out []string
	for _, n := range []string{msi.TablesTable, msi.ColumnsTable} {
		if _, ok := t.raw[n]; ok {
			out = append(out, n)
		}
	}
	var rest []string
	for n := range t.raw {
		if n != msi.TablesTable && n != msi.ColumnsTable {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// Raw returns the raw record stream of a table (nil if not changed).
func (t *Transform) Raw(table string) []byte { return t.raw[table] }

// Stream returns the data of a binary cell stream carried by the transform.
func (t *Transform) Stream(name string) ([]byte, error) {
	if b, ok := t.streams[name]; ok {
		return b, nil
	}
	if t.src == nil {
		return nil, fmt.Errorf("transform: stream %q: %w", name, msi.ErrNotFound)
	}
	return t.src.ReadStream(name)
}

// Streams lists the binary cell streams (not the summary).
func (t *Transform) Streams() []string {
	seen := map[string]bool{}
	var out []string
	for n := range t.streams {
		seen[n] = true
		out = append(out, n)
	}
	if t.src != nil {
		for _, n := range t.src.Streams() {
			if !seen[n] && n != msi.SummaryStream {
				out = append(out, n)
			}
		}
	}
	sort.Strings(out)
	return out
}
