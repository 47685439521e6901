package transform

import (
	"io"

	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/cfb"
)

// Build encodes a new transform from decoded changes: each TableChange
// gives a table's columns (as the records are laid out) and its records;
// _Tables and _Columns changes are given as ordinary TableChanges of those
// names. streams holds the data of binary cells, by stream name. The
// transform's string pool is built from the records, in codepage; it gets
// 3-byte references when it needs more than 65535 ids.
func Build(info Info, codepage int, tables []TableChange, streams map[string][]byte) (*Transform, error) {
	pool := msi.NewStringPool(codepage)
	for _, tc := range tables {
		for i := range tc.Records {
			addStrings(tc.Columns, &tc.Records[i], pool)
		}
	}
	if pool.Count() > 0x10000 {
		pool.LongRefs = true
	}
	t := &Transform{Info: info, summary: info.Summary(), pool: pool, raw: map[string][]byte{}, streams: map[string][]byte{}}
	for _, tc := range tables {
		if len(tc.Records) == 0 {
			continue
		}
		var out []byte
		for i := range tc.Records {
			var err error
			out, err = encodeRecord(out, tc.Columns, &tc.Records[i], pool, pool.RefWidth())
			if err != nil {
				return nil, err
			}
		}
		t.raw[tc.Name] = append(t.raw[tc.Name], out...)
	}
	for n, b := range streams {
		t.streams[n] = b
	}
	return t, nil
}

// container assembles the transform as an msi.Database of kind Transform.
func (t *Transform) container() (*msi.Database, error) {
	db := msi.New(msi.Transform)
	if err := db.SetPool(t.pool); err != nil {
		return nil, err
	}
	for name, raw := range t.raw {
		if err := db.WriteTableStream(name, raw); err != nil {
			return nil, err
		}
	}
	for _, name := range t.Streams() {
		b, err := t.Stream(name)
		if err != nil {
			return nil, err
		}
		if err := db.WriteStream(name, b); err != nil {
			return nil, err
		}
	}
	db.SetSummary(t.summary)
	return db, nil
}

// Node returns the transform as a compound-file storage tree (root CLSID
// {000C1082-…}), to be written on its own or embedded in a patch.
func (t *Transform) Node() (*cfb.Node, error) {
	db, err := t.container()
	if err != nil {
		return nil, err
	}
	return db.Tree()
}

// WriteFile writes the transform to path (temporary file, then rename).
func (t *Transform) WriteFile(path string) error {
	db, err := t.container()
	if err != nil {
		return err
	}
	return db.WriteFile(path)
}

// Write writes the transform as a compound file to w.
func (t *Transform) Write(w io.Writer) error {
	db, err := t.container()
	if err != nil {
		return err
	}
	return db.Write(w)
}
