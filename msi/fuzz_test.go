package msi

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// seedFiles returns the small corpus databases (skips without the corpus).
func seedFiles(t testing.TB) [][]byte {
	gen := sharedDir(t, "generated")
	var out [][]byte
	for _, n := range []string{"tiny.msi", "fix.mst", "hand.msp"} {
		b, err := os.ReadFile(filepath.Join(gen, n))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// exercise opens a file image and reads everything reachable; any error is
// fine, a panic or hang is not.
func exercise(b []byte) error {
	db, err := OpenReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return err
	}
	if _, err := db.Summary(); err != nil {
		return err
	}
	for _, n := range db.Tables() {
		t, err := db.Table(n)
		if err != nil {
			return err
		}
		for _, r := range t.Rows() {
			for c, col := range t.columns {
				if col.Type.IsBinary() && r[c].kind == KindBinary {
					db.ReadStream(r[c].s)
				}
			}
		}
	}
	for _, s := range db.Storages() {
		if sub, err := db.OpenStorage(s); err == nil {
			sub.Summary()
		}
	}
	return nil
}

func FuzzOpen(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := exercise(b)
		if err != nil && !IsInvalid(err) {
			// A reader over memory never has I/O errors: every failure
			// must be a typed format error.
			t.Fatalf("untyped error: %v", err)
		}
	})
}

// poolStreams extracts the raw pool streams of a corpus file.
func poolStreams(t testing.TB, b []byte) (pool, data []byte) {
	db, err := OpenReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	pool, _ = db.readItem(db.meta[PoolStream], PoolStream)
	data, _ = db.readItem(db.meta[DataStream], DataStream)
	return pool, data
}

func FuzzStringPool(f *testing.F) {
	for _, b := range seedFiles(f) {
		p, d := poolStreams(f, b)
		f.Add(p, d)
	}
	f.Add(poolBytes(0x80000000|65001, [][2]uint16{{0, 1}, {4, 1}, {0, 0}, {3, 2}}), []byte("ab\xc3\xa9xyz"))
	f.Fuzz(func(t *testing.T, pool, data []byte) {
		p, err := decodeStringPool(pool, data)
		if err != nil {
			if !IsFormatError(err) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		pool2, data2, err := p.Encode()
		if err != nil {
			return // e.g. bytes with no mapping in the code page
		}
		q, err := decodeStringPool(pool2, data2)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if q.Count() != p.Count() {
			t.Fatalf("count %d -> %d", p.Count(), q.Count())
		}
		for id := 0; id < p.Count(); id++ {
			a, _ := p.String(uint32(id))
			b, _ := q.String(uint32(id))
			if a != b || p.RefCount(uint32(id)) != q.RefCount(uint32(id)) && a != "" {
				t.Fatalf("id %d: %q/%d -> %q/%d", id, a, p.RefCount(uint32(id)), b, q.RefCount(uint32(id)))
			}
		}
	})
}

// fuzzColumns turns bytes into up to 8 column types (2 bytes each).
func fuzzColumns(spec []byte) []Column {
	var cols []Column
	for i := 0; i+1 < len(spec) && len(cols) < 8; i += 2 {
		cols = append(cols, Column{Name: string(rune('A' + len(cols))), Type: ColumnType(binary.LittleEndian.Uint16(spec[i:]))})
	}
	return cols
}

func FuzzDecodeRows(f *testing.F) {
	seeds := seedFiles(f)
	db, err := OpenReader(bytes.NewReader(seeds[0]), int64(len(seeds[0])))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range []string{"File", "Media", "Property", "Directory"} {
		cols, _ := db.Schema(name)
		raw, _ := db.ReadTableStream(name)
		var spec []byte
		for _, c := range cols {
			spec = binary.LittleEndian.AppendUint16(spec, uint16(c.Type))
		}
		f.Add(spec, raw, false)
	}
	f.Add([]byte{0x00, 0x09, 0x48, 0x2D}, []byte{1, 0, 0, 0, 1, 0, 0, 0}, true)
	pool := db.Pool()
	long := &StringPool{Codepage: pool.Codepage, LongRefs: true, strs: pool.strs, refs: pool.refs}
	f.Fuzz(func(t *testing.T, spec, data []byte, longRefs bool) {
		cols := fuzzColumns(spec)
		p := pool
		if longRefs {
			p = long
		}
		rows, err := decodeRows("T", cols, data, p)
		if err != nil {
			if !IsFormatError(err) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if rw := rowWidth(cols, p.RefWidth()); rw > 0 && len(rows) != len(data)/rw {
			t.Fatalf("%d rows from %d bytes of %d-byte rows", len(rows), len(data), rw)
		}
		// Whatever decodes re-encodes (sorted) to a stream of the same size,
		// unless a value is out of its column's domain (NULL in a key...).
		out, err := encodeRows("T", cols, rows, p)
		if err == nil && len(out) != len(rows)*rowWidth(cols, p.RefWidth()) {
			t.Fatalf("re-encoded %d bytes for %d rows", len(out), len(rows))
		}
	})
}

func FuzzSummary(f *testing.F) {
	for _, b := range seedFiles(f) {
		db, err := OpenReader(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			f.Fatal(err)
		}
		s, _ := db.ReadStream(SummaryStream)
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		si, err := DecodeSummaryInfo(b)
		if err != nil {
			if !IsFormatError(err) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if enc, err := si.Encode(); err == nil {
			if _, err := DecodeSummaryInfo(enc); err != nil {
				t.Fatalf("re-decode of our own encoding: %v", err)
			}
		}
	})
}

// TestHostileFiles: every truncation point and many bit flips of the corpus
// files give an error or a readable database, never a panic or hang.
func TestHostileFiles(t *testing.T) {
	for i, b := range seedFiles(t) {
		step := 1
		if testing.Short() {
			step = 97
		}
		for n := 0; n < len(b); n += step {
			// Reading is lazy: a cut in sectors nothing reads (the tail of a
			// cabinet stream) may go unnoticed, but losing half the file
			// cannot.
			if err := exercise(b[:n]); err == nil && n < len(b)/2 {
				t.Errorf("file %d cut to %d bytes opened without error", i, n)
			} else if err != nil && !IsInvalid(err) {
				t.Errorf("file %d cut to %d: untyped error %v", i, n, err)
			}
		}
		for pos := 0; pos < len(b); pos += 7 {
			c := bytes.Clone(b)
			c[pos] ^= 1 << (pos % 8)
			if err := exercise(c); err != nil && !IsInvalid(err) {
				t.Errorf("file %d flip at %d: untyped error %v", i, pos, err)
			}
		}
	}
}
