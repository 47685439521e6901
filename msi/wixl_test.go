package msi

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// wixlShape describes one generated product.
type wixlShape struct {
	name   string
	dirs   int // directories under INSTALLDIR
	files  int // files (one component each) per directory
	x64    bool
	binary bool // Binary and Icon tables
}

var wixlShapes = []wixlShape{
	{name: "many", dirs: 25, files: 8},
	{name: "x64", dirs: 3, files: 2, x64: true},
	{name: "binary", dirs: 1, files: 1, binary: true},
}

// buildWixl writes a .wxs for shape, runs wixl and returns the .msi path.
func buildWixl(t testing.TB, s wixlShape) string {
	t.Helper()
	testtools.LookPath(t, "wixl")
	dir := t.TempDir()
	var b strings.Builder
	guid := func(n int) string { return fmt.Sprintf("{%08X-1111-2222-3333-444455556666}", n) }
	win64, pf := "", "ProgramFilesFolder"
	if s.x64 {
		win64, pf = ` Win64="yes"`, "ProgramFiles64Folder"
	}
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
 <Product Id="*" UpgradeCode="{ABCDEF01-2345-6789-ABCD-EF0123456789}" Name="Shape %s" Language="1033" Codepage="1252" Version="1.2.3" Manufacturer="Fixture Co">
  <Package InstallerVersion="200" Compressed="yes" Comments="shape %s"/>
  <Media Id="1" Cabinet="shape.cab" EmbedCab="yes"/>
`, s.name, s.name)
	if s.binary {
		os.WriteFile(filepath.Join(dir, "blob.bin"), []byte("binary \x00\x01\x02 payload"), 0o644)
		b.WriteString(`  <Binary Id="Blob1" SourceFile="blob.bin"/>
  <Binary Id="Blob.Two" SourceFile="blob.bin"/>
  <Icon Id="app.ico" SourceFile="blob.bin"/>
`)
	}
	fmt.Fprintf(&b, "  <Directory Id=\"TARGETDIR\" Name=\"SourceDir\"><Directory Id=\"%s\"><Directory Id=\"INSTALLDIR\" Name=\"Shape %s Product\">\n", pf, s.name)
	var refs []string
	n := 0
	for d := 0; d < s.dirs; d++ {
		fmt.Fprintf(&b, "   <Directory Id=\"D%d\" Name=\"Sub directory number %d\">\n", d, d)
		for f := 0; f < s.files; f++ {
			n++
			src := filepath.Join(dir, fmt.Sprintf("f%d.txt", n))
			os.WriteFile(src, []byte(strings.Repeat(fmt.Sprintf("file %d\n", n), n%7+1)), 0o644)
			fmt.Fprintf(&b, "    <Component Id=\"C%d\" Guid=\"%s\"%s><File Id=\"F%d\" Name=\"a long file name %d.txt\" Source=\"%s\" KeyPath=\"yes\"/></Component>\n",
				n, guid(n), win64, n, n, filepath.Base(src))
			refs = append(refs, fmt.Sprintf("<ComponentRef Id=\"C%d\"/>", n))
		}
		b.WriteString("   </Directory>\n")
	}
	b.WriteString("  </Directory></Directory></Directory>\n")
	half := len(refs) / 2
	fmt.Fprintf(&b, "  <Feature Id=\"Main\" Level=\"1\">%s</Feature>\n", strings.Join(refs[:half], ""))
	fmt.Fprintf(&b, "  <Feature Id=\"Extra\" Level=\"1\">%s</Feature>\n", strings.Join(refs[half:], ""))
	b.WriteString(" </Product>\n</Wix>\n")
	wxs := filepath.Join(dir, "shape.wxs")
	if err := os.WriteFile(wxs, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, s.name+".msi")
	args := []string{"-o", out, "shape.wxs"}
	if s.x64 {
		args = append([]string{"-a", "x64"}, args...)
	}
	run(t, dir, "wixl", args...)
	return out
}

// TestWixlDatabases: for several wixl products, our dump equals msidump's,
// our summary equals msiinfo's, and a rewritten database dumps the same.
func TestWixlDatabases(t *testing.T) {
	for _, s := range wixlShapes {
		t.Run(s.name, func(t *testing.T) {
			src := buildWixl(t, s)
			want := msidumpDir(t, src)
			compareDumps(t, want, exportDir(t, src))
			compareSuminfo(t, src)
			out := rewrite(t, src)
			compareDumps(t, want, msidumpDir(t, out))
			compareSuminfo(t, out)
			if s.binary {
				checkBinaryCells(t, src, out)
			}
		})
	}
}

// compareSuminfo checks msiinfo suminfo against our reading of the summary,
// formatted the same way.
func compareSuminfo(t *testing.T, path string) {
	t.Helper()
	testtools.LookPath(t, "msiinfo")
	want := run(t, "", "msiinfo", "suminfo", path)
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	si, err := db.Summary()
	if err != nil {
		t.Fatal(err)
	}
	got := formatSuminfo(si)
	if got != want {
		t.Errorf("summary differs from msiinfo:\n--- msiinfo\n%s--- ours\n%s", want, got)
	}
}

// formatSuminfo renders like msiinfo suminfo (labels, order, ctime dates).
func formatSuminfo(si *SummaryInfo) string {
	labels := []struct {
		pid  PropertyID
		name string
	}{{2, "Title"}, {3, "Subject"}, {4, "Author"}, {5, "Keywords"}, {6, "Comments"}, {7, "Template"},
		{8, "Last author"}, {9, "Revision number (UUID)"}, {10, "Edittime"}, {11, "Last printed"},
		{12, "Created"}, {13, "Last saved"}, {14, "Version"}, {15, "Source"}, {16, "Restrict"},
		{17, "Thumbnail"}, {18, "Application"}, {19, "Security"}}
	var b strings.Builder
	for _, l := range labels {
		p, ok := si.Get(l.pid)
		if !ok {
			continue
		}
		switch p.Type {
		case VTI2, VTI4:
			fmt.Fprintf(&b, "%s: %d (%x)\n", l.name, p.Int, uint32(p.Int))
		case VTLPSTR:
			fmt.Fprintf(&b, "%s: %s\n", l.name, p.Str)
		case VTFiletime:
			fmt.Fprintf(&b, "%s: %s\n", l.name, FiletimeToTime(p.Time).Local().Format("Mon Jan _2 15:04:05 2006"))
		}
	}
	return b.String()
}

// checkBinaryCells compares every binary cell's data between two databases
// and against msiinfo extract of the source.
func checkBinaryCells(t *testing.T, src, out string) {
	t.Helper()
	a, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	cells := 0
	for _, name := range []string{"Binary", "Icon"} {
		ta, err := a.Table(name)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := b.Table(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range ta.Rows() {
			da, err := ta.Binary(r, "Data")
			if err != nil {
				t.Fatal(err)
			}
			rb, ok := tb.Lookup(r[0])
			if !ok {
				t.Fatalf("%s row %s missing after rewrite", name, r[0])
			}
			db, err := tb.Binary(rb, "Data")
			if err != nil {
				t.Fatal(err)
			}
			peer := run(t, "", "msiinfo", "extract", src, r[1].StreamName())
			if string(da) != string(db) || string(da) != peer || len(da) == 0 {
				t.Errorf("%s: binary cell data differs (%d, %d, msiinfo %d bytes)", r[1].StreamName(), len(da), len(db), len(peer))
			}
			cells++
		}
	}
	if cells != 3 {
		t.Errorf("checked %d binary cells, want 3", cells)
	}
}

// TestWixlNonASCIISummary: wixl stores UTF-8 bytes in summary strings under
// code page 1252; msidump copies them verbatim and so does our dump.
func TestWixlNonASCIISummary(t *testing.T) {
	testtools.LookPath(t, "wixl")
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("x"), 0o644)
	wxs := `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
 <Product Id="*" UpgradeCode="{ABCDEF01-2345-6789-ABCD-EF0123456789}" Name="Ünïcödé" Language="1033" Version="1.0.0" Manufacturer="Fïrma">
  <Package InstallerVersion="200" Compressed="yes"/>
  <Media Id="1" Cabinet="t.cab" EmbedCab="yes"/>
  <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="P">
   <Component Id="C1" Guid="{11111111-2222-3333-4444-555555555555}"><File Id="F1" Name="a.txt" Source="a.txt" KeyPath="yes"/></Component>
  </Directory></Directory></Directory>
  <Feature Id="Main" Level="1"><ComponentRef Id="C1"/></Feature>
 </Product>
</Wix>`
	os.WriteFile(filepath.Join(dir, "t.wxs"), []byte(wxs), 0o644)
	run(t, dir, "wixl", "-o", "t.msi", "t.wxs")
	src := filepath.Join(dir, "t.msi")
	compareDumps(t, msidumpDir(t, src), exportDir(t, src))
}
