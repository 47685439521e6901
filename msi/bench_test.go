package msi

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchDatabase builds (once per benchmark) an in-memory database of n rows
// across a File-like table, written by our own writer.
func benchDatabase(b *testing.B, n int) []byte {
	b.Helper()
	db := New(Package)
	t, err := db.CreateTable("File", []Column{
		{"File", StringType(72, false, true, false)},
		{"Component_", StringType(72, false, false, false)},
		{"FileName", StringType(255, false, false, true)},
		{"FileSize", IntType(4, false, false)},
		{"Attributes", IntType(2, true, false)},
		{"Sequence", IntType(4, false, false)},
	})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if err := t.Insert(fmt.Sprintf("F%06d", i), fmt.Sprintf("C%05d", i/4), fmt.Sprintf("FILE%04d.TXT|file number %d.txt", i%10000, i), i*13, 512, i+1); err != nil {
			b.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := db.Write(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkOpenReadAll: open a database and decode every row of every table.
func BenchmarkOpenReadAll(b *testing.B) {
	img := benchDatabase(b, 100000)
	b.SetBytes(int64(len(img)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db, err := OpenReader(bytes.NewReader(img), int64(len(img)))
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for _, n := range db.Tables() {
			t, err := db.Table(n)
			if err != nil {
				b.Fatal(err)
			}
			rows += t.Len()
		}
		if rows != 100000 {
			b.Fatalf("%d rows", rows)
		}
	}
}

// BenchmarkOpenSummary: what `msi info` costs (lazy: no table is read).
func BenchmarkOpenSummary(b *testing.B) {
	img := benchDatabase(b, 100000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db, err := OpenReader(bytes.NewReader(img), int64(len(img)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Summary(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommit: rebuild the pool and every table of a 100,000-row
// database and write it out.
func BenchmarkCommit(b *testing.B) {
	img := benchDatabase(b, 100000)
	b.SetBytes(int64(len(img)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db, err := OpenReader(bytes.NewReader(img), int64(len(img)))
		if err != nil {
			b.Fatal(err)
		}
		t, _ := db.Table("File")
		if err := t.Set([]any{"F000001"}, "FileSize", 1); err != nil {
			b.Fatal(err)
		}
		if err := db.Write(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExport: msidump-style export of the corpus' biggest package.
func BenchmarkExport(b *testing.B) {
	src := filepath.Join(sharedDir(b, "msi/lessmsi"), "vcredist.msi")
	dir := b.TempDir()
	for i := 0; i < b.N; i++ {
		db, err := Open(src)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Export(dir, ExportOptions{}); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
	_ = os.Remove
}
