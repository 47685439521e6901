package winetest

import (
	"fmt"
	"path/filepath"
	"testing"
)

func TestParseRows(t *testing.T) {
	out := "a\tb\\tc\t\n\\\\x\\ny\t7\t\n"
	got := parseRows(out)
	want := [][]string{{"a", "b\tc", ""}, {"\\x\ny", "7", ""}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("parseRows = %q, want %q", got, want)
	}
	if rows := parseRows(""); rows != nil {
		t.Fatalf("empty output gave %q", rows)
	}
}

func TestParseProducts(t *testing.T) {
	out := "product\t{A}\t1.0\tName\tC:\\\\windows\\\\Installer\\\\1.msi\n" +
		"patch\t{A}\t{P}\t:T1;:#T1\t\n" +
		"product\t{B}\t2.0\tOther\t\n"
	got := parseProducts(out)
	if len(got) != 2 || got[0].LocalPackage != `C:\windows\Installer\1.msi` || got[1].Code != "{B}" {
		t.Fatalf("parseProducts = %+v", got)
	}
	if len(got[0].Patches) != 1 || got[0].Patches[0] != (Patch{Code: "{P}", Transforms: ":T1;:#T1"}) {
		t.Fatalf("patches = %+v", got[0].Patches)
	}
}

func TestPathMapping(t *testing.T) {
	p := &Prefix{dir: t.TempDir()}
	cases := []struct{ win, host string }{
		{`C:\Program Files\App\a.txt`, filepath.Join(p.dir, "drive_c", "Program Files", "App", "a.txt")},
		{`Z:\tmp\x.msi`, "/tmp/x.msi"},
	}
	for _, c := range cases {
		if got := p.Path(c.win); got != c.host {
			t.Errorf("Path(%q) = %q, want %q", c.win, got, c.host)
		}
		if got := p.WinPath(c.host); got != c.win {
			t.Errorf("WinPath(%q) = %q, want %q", c.host, got, c.win)
		}
	}
	if got := p.WinPath(filepath.Join(p.dir, "drive_c")); got != `C:\` {
		t.Errorf("WinPath(drive_c) = %q", got)
	}
}

func TestDecodeLog(t *testing.T) {
	utf16 := []byte{0xFF, 0xFE, 'h', 0, 'i', 0, '\r', 0, '\n', 0}
	if got := decodeLog(utf16); got != "hi\n" {
		t.Errorf("UTF-16 log = %q", got)
	}
	if got := decodeLog([]byte("a\r\nb")); got != "a\nb" {
		t.Errorf("ANSI log = %q", got)
	}
}
