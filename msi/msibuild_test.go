package msi

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// writeIDTs writes IDT files (name -> content with \n line ends turned into
// CRLF) into a new folder and returns their paths.
func writeIDTs(t testing.TB, files map[string]string) (dir string, paths []string) {
	t.Helper()
	dir = t.TempDir()
	for _, name := range sortedKeys(files) {
		p := filepath.Join(dir, name+".idt")
		if err := os.WriteFile(p, []byte(strings.ReplaceAll(files[name], "\n", "\r\n")), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return dir, paths
}

func msibuild(t testing.TB, dir string, idts []string, extra ...string) string {
	t.Helper()
	testtools.LookPath(t, "msibuild")
	out := filepath.Join(dir, "built.msi")
	args := append([]string{out, "-i"}, idts...)
	run(t, dir, "msibuild", append(args, extra...)...)
	return out
}

// localizedIDTs: a 1251 code page database with a localizable string table,
// short|long file names, nullable and 32-bit integers, two-column keys.
func localizedIDTs() map[string]string {
	return map[string]string{
		"_ForceCodepage": "\n\n1251\t_ForceCodepage\n",
		"Property": "Property\tValue\ns72\tl0\nProperty\tProperty\n" +
			"ProductName\tПример программы\nManufacturer\tОбразец\nProductLanguage\t1049\n",
		"UIText": "Key\tText\ns72\tL255\nUIText\tKey\nbytes\tбайт\nKB\tКБ\nNone\t\n",
		"File": "File\tComponent_\tFileName\tFileSize\tVersion\tLanguage\tAttributes\tSequence\n" +
			"s72\ts72\tl255\ti4\tS72\tS20\tI2\ti4\nFile\tFile\n" +
			"F1\tC1\tREADME~1.TXT|read me first.txt\t123456789\t\t\t512\t1\n" +
			"F2\tC1\tshort.txt\t-5\t1.0.0.0\t1049\t\t2\n",
		"Pair": "A\tB\tV\ns32\ti2\tI4\nPair\tA\tB\nx\t-3\t7\nx\t2\t\ny\t1\t-2147483647\n",
	}
}

func TestMsibuildLocalized(t *testing.T) {
	dir, idts := writeIDTs(t, localizedIDTs())
	src := msibuild(t, dir, idts)
	want := msidumpDir(t, src)
	compareDumps(t, want, exportDir(t, src))
	db, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	if db.Codepage() != 1251 {
		t.Errorf("code page %d, want 1251", db.Codepage())
	}
	p, _ := db.Table("Property")
	if r, ok := p.Lookup("ProductName"); !ok || r[1].Str() != "Пример программы" {
		t.Errorf("ProductName = %v", r)
	}
	db.Close()
	out := rewrite(t, src)
	compareDumps(t, want, msidumpDir(t, out))
}

// TestBuildFromIDT: our IDT import builds a database that msidump turns back
// into the same IDT text.
func TestBuildFromIDT(t *testing.T) {
	files := localizedIDTs()
	dir, idts := writeIDTs(t, files)
	db := New(Package)
	for _, p := range idts {
		if err := db.ImportIDT(p); err != nil {
			t.Fatalf("ImportIDT %s: %v", p, err)
		}
	}
	out := filepath.Join(dir, "ours.msi")
	if err := db.WriteFile(out); err != nil {
		t.Fatal(err)
	}
	dump := msidumpDir(t, out)
	for name, content := range files {
		got, err := os.ReadFile(filepath.Join(dump, name+".idt"))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.ReplaceAll(content, "\n", "\r\n")
		if name == "_ForceCodepage" {
			want = "\r\n\r\n1251\t_ForceCodepage\r\n\x00"
		}
		if canonIDT([]byte(want)) != canonIDT(got) {
			t.Errorf("%s: msidump gives\n%q\nwant\n%q", name, got, want)
		}
	}
}

// TestLongStringRefs: more than 65535 strings switch every table to 3-byte
// string references (msibuild recipe), in both directions.
func TestLongStringRefs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 66000-row database")
	}
	var b strings.Builder
	b.WriteString("Key\tVal\ns32\tS32\nBigStr\tKey\n")
	for i := 0; i < 66000; i++ {
		fmt.Fprintf(&b, "k%05d\tv%05d\n", i, i)
	}
	dir, idts := writeIDTs(t, map[string]string{"BigStr": b.String()})
	src := msibuild(t, dir, idts)
	db, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	if !db.Pool().LongRefs || db.Pool().RefWidth() != 3 {
		t.Fatalf("pool of %d ids: LongRefs=%v", db.Pool().Count(), db.Pool().LongRefs)
	}
	tb, err := db.Table("BigStr")
	if err != nil {
		t.Fatal(err)
	}
	if tb.Len() != 66000 {
		t.Fatalf("%d rows, want 66000", tb.Len())
	}
	if r, ok := tb.Lookup("k65999"); !ok || r[1].Str() != "v65999" {
		t.Fatalf("lookup k65999 = %v %v", r, ok)
	}
	db.Close()
	want := msidumpDir(t, src)
	compareDumps(t, want, exportDir(t, src))
	out := rewrite(t, src)
	compareDumps(t, want, msidumpDir(t, out))
	rd, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if !rd.Pool().LongRefs {
		t.Error("rewritten pool lost the long-reference flag")
	}
	raw, err := rd.ReadTableStream("BigStr")
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 66000*6 {
		t.Errorf("BigStr stream %d bytes, want %d (6 per row)", len(raw), 66000*6)
	}
}

// TestLongStringValue: a string of 64 KiB or more takes two pool entries but
// one id, in msibuild's databases and in ours.
func TestLongStringValue(t *testing.T) {
	long := strings.Repeat("0123456789abcdef", 70000/16) + "end"
	dir, idts := writeIDTs(t, map[string]string{
		"Big": "K\tV\ns10\tL0\nBig\tK\na\tshort\nb\t" + long + "\nc\tafter\n",
	})
	src := msibuild(t, dir, idts)
	db, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := db.Table("Big")
	if err != nil {
		t.Fatal(err)
	}
	if r, ok := tb.Lookup("b"); !ok || r[1].Str() != long {
		t.Fatalf("long value not read back (%d bytes)", len(r[1].Str()))
	}
	if r, ok := tb.Lookup("c"); !ok || r[1].Str() != "after" {
		t.Fatal("string after the long one is wrong")
	}
	db.Close()
	want := msidumpDir(t, src)
	compareDumps(t, want, exportDir(t, src))
	compareDumps(t, want, msidumpDir(t, rewrite(t, src)))
}
