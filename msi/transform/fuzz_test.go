package transform

import (
	"bytes"
	"os"
	"testing"

	"github.com/ohotfix/ohotfix/msi"
)

// FuzzTransform: any input either fails to open with an error, or decodes,
// validates and applies (or fails with an error) against tiny.msi; never a
// panic or hang.
func FuzzTransform(f *testing.F) {
	gen := corpus(f, "generated")
	fix, err := os.ReadFile(gen + "/fix.mst")
	if err != nil {
		f.Fatal(err)
	}
	tiny, err := os.ReadFile(gen + "/tiny.msi")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(fix)
	// A generated transform that creates a table and adds columns.
	if b := generatedSeed(f, tiny); b != nil {
		f.Add(b)
	}
	for _, seed := range patchTransforms(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := openBytes(data)
		if err != nil {
			return
		}
		tr.Changes(nil)
		db, err := msi.OpenReader(bytes.NewReader(tiny), int64(len(tiny)))
		if err != nil {
			t.Fatal(err)
		}
		tr.Validate(db)
		if tr.Apply(db, ErrAll) == nil {
			db.Write(new(bytes.Buffer))
		}
	})
}

// FuzzRecords decodes raw record streams against the File schema, with
// 2- and 3-byte string references.
func FuzzRecords(f *testing.F) {
	f.Add([]byte{0x08, 0x00, 0x01, 0x00, 0xe7, 0x03, 0x00, 0x80}, false)
	f.Add([]byte{0x01, 0x08, 1, 0, 2, 0, 3, 0, 1, 0, 0, 0x80, 0, 0, 0, 0, 0, 0x80, 0, 0}, true)
	f.Add([]byte{0, 0, 1, 0}, false)
	cols := StandardSchema("File")
	f.Fuzz(func(t *testing.T, data []byte, long bool) {
		pool := msi.NewStringPool(0)
		for _, s := range []string{"AppTxt", "CompApp", "app.txt"} {
			pool.Add(s)
		}
		pool.LongRefs = long
		recs, err := DecodeRecords("File", cols, data, pool)
		if err != nil {
			if !msi.IsFormatError(err) {
				t.Fatalf("not a format error: %v", err)
			}
			return
		}
		// Whatever decodes must encode back to the same bytes.
		var out []byte
		for i := range recs {
			if out, err = encodeRecord(out, cols, &recs[i], pool, pool.RefWidth()); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(out, data) {
			// NULL string ids and binary markers other than 1 normalise;
			// compare again after one round.
			again, err := DecodeRecords("File", cols, out, pool)
			if err != nil || len(again) != len(recs) {
				t.Fatalf("re-decode: %v", err)
			}
		}
	})
}

// patchTransforms returns the transform substorages of the corpus patches
// (hand.msp and the real Microsoft ones), each written as a standalone .mst.
func patchTransforms(f *testing.F) [][]byte {
	var out [][]byte
	for _, p := range []string{"generated/hand.msp", "msi/lessmsi/SQL2008_AS.msp", "msi/lessmsi/WPF2_32.msp"} {
		db, err := msi.Open(corpus(f, ".") + "/" + p)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range db.Storages() {
			sub, err := db.OpenStorage(name)
			if err != nil {
				f.Fatal(err)
			}
			var buf bytes.Buffer
			if err := sub.Write(&buf); err != nil {
				f.Fatal(err)
			}
			out = append(out, buf.Bytes())
		}
		db.Close()
	}
	return out
}

func openBytes(data []byte) (*Transform, error) {
	db, err := msi.OpenReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, err
	}
	return FromDatabase(db)
}

// generatedSeed diffs tiny.msi against a copy with a new table and column.
func generatedSeed(f *testing.F, tiny []byte) []byte {
	base, err1 := msi.OpenReader(bytes.NewReader(tiny), int64(len(tiny)))
	upd, err2 := msi.OpenReader(bytes.NewReader(tiny), int64(len(tiny)))
	if err1 != nil || err2 != nil {
		return nil
	}
	nt, err := upd.CreateTable("Extra", []msi.Column{{Name: "K", Type: msi.StringType(72, false, true, false)}, {Name: "V", Type: msi.IntType(4, true, false)}, {Name: "Data", Type: msi.BinaryType(true, false)}})
	if err != nil {
		f.Fatal(err)
	}
	nt.Insert("one", 1, []byte("blob"))
	pt, _ := upd.Table("Property")
	pt.Put("NEWPROP", "x")
	pt.Delete("ProductLanguage")
	tr, err := Diff(base, upd, DiffOptions{Validate: PatchValidate, Errors: ErrAll})
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tr.Write(&buf); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}
