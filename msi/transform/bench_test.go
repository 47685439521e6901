package transform

import (
	"bytes"
	"os"
	"testing"

	"github.com/ohotfix/ohotfix/internal/transformtest"
	"github.com/ohotfix/ohotfix/msi"
)

// benchSet is a product pair of about 20,000 rows.
var benchSet = transformtest.Synthetic{Files: 1000, Registry: 17000, Changed: 50}

func benchPair(b *testing.B) (v1, v2 []byte) {
	b.Helper()
	p1, p2, err := benchSet.Build(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	v1, _ = os.ReadFile(p1)
	v2, _ = os.ReadFile(p2)
	return v1, v2
}

func openMem(b *testing.B, data []byte) *msi.Database {
	db, err := msi.OpenReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		b.Fatal(err)
	}
	return db
}

func BenchmarkDiff(b *testing.B) {
	v1, v2 := benchPair(b)
	b.ResetTimer()
	for b.Loop() {
		base, upd := openMem(b, v1), openMem(b, v2)
		tr, err := Diff(base, upd, DiffOptions{Validate: DiffValidate})
		if err != nil {
			b.Fatal(err)
		}
		if err := tr.Write(new(bytes.Buffer)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchSet.Rows()), "rows")
}

func BenchmarkApply(b *testing.B) {
	v1, v2 := benchPair(b)
	tr, err := Diff(openMem(b, v1), openMem(b, v2), DiffOptions{Validate: DiffValidate})
	if err != nil {
		b.Fatal(err)
	}
	var mst bytes.Buffer
	if err := tr.Write(&mst); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		t, err := openBytes(mst.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		db := openMem(b, v1)
		if err := t.Apply(db, 0); err != nil {
			b.Fatal(err)
		}
		if err := db.Write(new(bytes.Buffer)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchSet.Rows()), "rows")
}

func BenchmarkDecodeRecords(b *testing.B) {
	v1, v2 := benchPair(b)
	tr, err := Diff(openMem(b, v1), openMem(b, v2), DiffOptions{})
	if err != nil {
		b.Fatal(err)
	}
	base := openMem(b, v1)
	b.SetBytes(int64(len(tr.Raw("Registry"))))
	b.ResetTimer()
	for b.Loop() {
		if _, err := tr.Changes(base); err != nil {
			b.Fatal(err)
		}
	}
}
