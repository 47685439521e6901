package patch

import (
	"bytes"
	"testing"

	"github.com/ohotfix/ohotfix/delta"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// TestDeltasRealPatches: Microsoft's SQL Server 2008 and WPF patches create
// the Patch, PatchPackage and MsiPatchHeaders tables (as every patch made
// by Microsoft's patch tools does) but carry whole files only: no delta,
// and one PatchPackage row tying the patch code to its media.
func TestDeltasRealPatches(t *testing.T) {
	dir := corpus(t, "msi/lessmsi")
	for _, file := range []string{"SQL2008_AS.msp", "WPF2_32.msp"} {
		t.Run(file, func(t *testing.T) {
			p, err := Open(dir + "/" + file)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			files, pkgs, err := p.Deltas(nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("deltas %+v packages %+v", files, pkgs)
			if len(files) != 0 {
				t.Fatalf("%d delta files, want none", len(files))
			}
			media, err := p.Media(nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(pkgs) != 1 || pkgs[0].PatchID != p.PatchCode || len(media) != 1 || pkgs[0].Media != media[0].DiskID {
				t.Fatalf("PatchPackage %+v, patch code %s, media %+v", pkgs, p.PatchCode, media)
			}
		})
	}
}

// TestDeltasOfTransform: Patch rows with the header in the row and through
// MsiPatchHeaders, and a PatchPackage row, in a transform made by
// transform.Diff, are listed with their PA19 headers parsed.
func TestDeltasOfTransform(t *testing.T) {
	old, nw := bytes.Repeat([]byte("version 1 of the file\n"), 400), bytes.Repeat([]byte("version 2 of the file\n"), 400)
	d, err := delta.CreateBytes(old, nw, delta.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	h, err := delta.ReadHeader(bytes.NewReader(d))
	if err != nil {
		t.Fatal(err)
	}
	header := d[:h.Size]
	base, upd := msi.New(msi.Package), msi.New(msi.Package)
	create := func(name string, cols ...msi.Column) *msi.Table {
		tb, err := upd.CreateTable(name, cols)
		if err != nil {
			t.Fatal(err)
		}
		return tb
	}
	pt := create("Patch",
		msi.Column{Name: "File_", Type: msi.StringType(72, false, true, false)},
		msi.Column{Name: "Sequence", Type: msi.IntType(4, false, true)},
		msi.Column{Name: "PatchSize", Type: msi.IntType(4, false, false)},
		msi.Column{Name: "Attributes", Type: msi.IntType(2, false, false)},
		msi.Column{Name: "Header", Type: msi.BinaryType(true, false)},
		msi.Column{Name: "StreamRef_", Type: msi.StringType(38, true, false, false)})
	mh := create("MsiPatchHeaders",
		msi.Column{Name: "StreamRef", Type: msi.StringType(38, false, true, false)},
		msi.Column{Name: "Header", Type: msi.BinaryType(false, false)})
	pp := create("PatchPackage",
		msi.Column{Name: "PatchId", Type: msi.StringType(38, false, true, false)},
		msi.Column{Name: "Media_", Type: msi.IntType(2, false, false)})
	for _, err := range []error{
		pt.Insert("app.dll", 10, len(d), 0, header, nil),
		pt.Insert("a_file_with_a_long_name.dll", 11, len(d), NonVital, nil, "hdr1"),
		mh.Insert("hdr1", header),
		pp.Insert("{11111111-2222-3333-4444-555555555555}", 7),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	tr, err := transform.Diff(base, upd, transform.DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	files, pkgs, err := deltasOf("T", tr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || len(pkgs) != 1 || pkgs[0].Media != 7 || pkgs[0].PatchID != "{11111111-2222-3333-4444-555555555555}" {
		t.Fatalf("files %+v packages %+v", files, pkgs)
	}
	for _, f := range files {
		if f.HeaderErr != nil || f.Header == nil || f.Header.NewSize != int64(len(nw)) || f.Header.Old[0].Size != int64(len(old)) || f.PatchSize != len(d) {
			t.Fatalf("%+v", f)
		}
	}
	if files[0].File != "app.dll" || files[0].StreamRef != "" || files[1].StreamRef != "hdr1" || files[1].Attributes != NonVital || files[1].Sequence != 11 {
		t.Fatalf("%+v", files)
	}
}
