package winetest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// newTimedPrefix is NewPrefix plus a log line with what it cost, for the timings the package
// promises (template creation is paid once per Wine version, cloning once per test).
func newTimedPrefix(t *testing.T) *Prefix {
	t.Helper()
	start := time.Now()
	p := NewPrefix(t)
	t.Logf("prefix ready in %v (of which template wineboot in this process: %v)",
		time.Since(start).Round(time.Millisecond), TemplateBuildTime.Round(time.Millisecond))
	return p
}

// generatedDir locates the shared fixture folder beside the repository
// (<module root>/../shared/testdata/generated), skipping when it is absent.
func generatedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the package directory")
		}
		dir = parent
	}
	gen := filepath.Join(dir, "..", "shared", "testdata", "generated")
	if _, err := os.Stat(filepath.Join(gen, "tiny.msi")); err != nil {
		testtools.SkipOrFail(t, "shared corpus not found at %s: %v", gen, err)
	}
	return gen
}

func TestGoProgramRunsWithShim(t *testing.T) {
	Require(t)
	exe := BuildWindowsExe(t, "./testdata/hello")
	p := newTimedPrefix(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	stdout, stderr, exit, err := p.Run(ctx, exe, "exit", "3010", "two words")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Go exe under Wine: %v", time.Since(start).Round(time.Millisecond))
	// 3010 does not fit a Unix exit status (it would arrive as 194): this checks wexit too.
	if exit != 3010 {
		t.Fatalf("exit = %d, want 3010; stderr:\n%s", exit, stderr)
	}
	want := "hello from windows/amd64\nargs [\"exit\" \"3010\" \"two words\"]\n"
	if !strings.HasPrefix(stdout, want) {
		t.Fatalf("stdout = %q, want prefix %q", stdout, want)
	}
	if !regexp.MustCompile(`\nrandom [0-9a-f]{32}\n$`).MatchString(stdout) || strings.Contains(stdout, "random "+strings.Repeat("0", 32)) {
		t.Fatalf("no random bytes from ProcessPrng in %q", stdout)
	}
}

// productWXS is a small product in the WiX v3 schema that wixl reads: three files in one
// folder under ProgramFilesFolder, two components, one embedded MSZIP cabinet.
const productWXS = `<?xml version='1.0' encoding='utf-8'?>
<Wix xmlns='http://schemas.microsoft.com/wix/2006/wi'>
  <Product Name='Winetest Product' Id='6A1F0E2C-7A43-4C3B-9D2E-5B1C0A9E7F01'
           UpgradeCode='6A1F0E2C-7A43-4C3B-9D2E-5B1C0A9E7F02'
           Language='1033' Codepage='1252' Version='1.2.3' Manufacturer='ohotfix tests'>
    <Package InstallerVersion='200' Compressed='yes' />
    <Media Id='1' Cabinet='product.cab' EmbedCab='yes' />
    <Directory Id='TARGETDIR' Name='SourceDir'>
      <Directory Id='ProgramFilesFolder'>
        <Directory Id='INSTALLDIR' Name='WinetestProduct'>
          <Component Id='CompMain' Guid='6A1F0E2C-7A43-4C3B-9D2E-5B1C0A9E7F03'>
            <File Id='MainBin' Name='main.bin' Source='src/main.bin' KeyPath='yes' />
            <File Id='NotesTxt' Name='notes.txt' Source='src/notes.txt' />
          </Component>
          <Component Id='CompData' Guid='6A1F0E2C-7A43-4C3B-9D2E-5B1C0A9E7F04'>
            <File Id='DataDat' Name='data.dat' Source='src/data.dat' KeyPath='yes' />
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id='Main' Title='Main' Level='1'>
      <ComponentRef Id='CompMain' />
      <ComponentRef Id='CompData' />
    </Feature>
  </Product>
</Wix>
`

const productCode = "{6A1F0E2C-7A43-4C3B-9D2E-5B1C0A9E7F01}"

// productFiles are the payload: every byte value (main.bin), text, and a block larger than
// one 32 KiB cabinet data block (data.dat) so the cabinet has more than one CFDATA.
func productFiles() map[string][]byte {
	all := make([]byte, 512)
	for i := range all {
		all[i] = byte(i)
	}
	var data bytes.Buffer
	for i := 0; data.Len() < 70000; i++ {
		fmt.Fprintf(&data, "record %06d %x\n", i, i*7919)
	}
	return map[string][]byte{
		"main.bin":  all,
		"notes.txt": []byte("notes for the winetest product\r\n"),
		"data.dat":  data.Bytes(),
	}
}

// buildProductMSI writes the sources and runs wixl, returning the .msi path.
func buildProductMSI(t *testing.T) (msi string, files map[string][]byte) {
	t.Helper()
	wixl := testtools.LookPath(t, "wixl")
	dir := t.TempDir()
	files = productFiles()
	if err := os.Mkdir(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, "src", name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "product.wxs"), []byte(productWXS), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(wixl, "-o", "v1.msi", "product.wxs")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wixl: %v\n%s", err, out)
	}
	return filepath.Join(dir, "v1.msi"), files
}

func timedMsiexec(t *testing.T, p *Prefix, args ...string) (int, string) {
	t.Helper()
	start := time.Now()
	exit, log, err := p.Msiexec(args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("msiexec %s: exit %d in %v", strings.Join(args, " "), exit, time.Since(start).Round(time.Millisecond))
	return exit, log
}

func TestMsiexecInstallsAndRemovesProduct(t *testing.T) {
	Require(t)
	msi, files := buildProductMSI(t)
	p := newTimedPrefix(t)

	exit, log := timedMsiexec(t, p, "/i", p.WinPath(msi))
	if exit != 0 {
		t.Fatalf("msiexec /i exit %d; log:\n%s", exit, log)
	}
	if !strings.Contains(log, "Action ended") || !strings.Contains(log, "InstallFiles") {
		t.Errorf("verbose log lacks action lines:\n%s", log)
	}
	// An Intel package's ProgramFilesFolder is Program Files (x86) in a 64-bit prefix.
	installDir := filepath.Join(p.ProgramFilesX86(), "WinetestProduct")
	if got := p.Path(`C:\program files (x86)\winetestproduct`); got != installDir {
		t.Errorf("Path is not case-insensitive: %s, want %s", got, installDir)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(installDir, name))
		if err != nil {
			t.Fatalf("installed file: %v", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: installed %d bytes differ from the %d source bytes", name, len(got), len(want))
		}
	}

	products := p.Products(t)
	var found *Product
	for i := range products {
		if products[i].Code == productCode {
			found = &products[i]
		}
	}
	if found == nil {
		t.Fatalf("msiproducts does not list %s: %+v", productCode, products)
	}
	if found.Version != "1.2.3" || found.Name != "Winetest Product" || len(found.Patches) != 0 {
		t.Errorf("product info = %+v, want version 1.2.3, name Winetest Product, no patches", *found)
	}
	if _, err := os.Stat(p.Path(found.LocalPackage)); err != nil {
		t.Errorf("cached LocalPackage %s: %v", found.LocalPackage, err)
	}

	exit, log = timedMsiexec(t, p, "/x", productCode)
	if exit != 0 {
		t.Fatalf("msiexec /x exit %d; log:\n%s", exit, log)
	}
	for name := range files {
		if _, err := os.Stat(filepath.Join(installDir, name)); !os.IsNotExist(err) {
			t.Errorf("%s still present after /x (err %v)", name, err)
		}
	}
	for _, pr := range p.Products(t) {
		if pr.Code == productCode {
			t.Errorf("product still registered after /x: %+v", pr)
		}
	}
}

// TestMsiDllOnSharedFixtures applies the shared fix.mst to tiny.msi with Wine's msi.dll and
// checks the three documented changes, reading the result both with Wine (msiquery) and with
// msitools; then reads the fixtures' summary information and the patch's tables through Wine.
func TestMsiDllOnSharedFixtures(t *testing.T) {
	Require(t)
	gen := generatedDir(t)
	p := newTimedPrefix(t)
	out := filepath.Join(t.TempDir(), "out.msi")
	before, err := os.ReadFile(filepath.Join(gen, "tiny.msi"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	code, msg := p.ApplyTransform(t, filepath.Join(gen, "tiny.msi"), filepath.Join(gen, "fix.mst"), out, 0)
	if code != 0 {
		t.Fatalf("msiapply: error %d: %s", code, msg)
	}
	t.Logf("msiapply in %v", time.Since(start).Round(time.Millisecond))
	if after, _ := os.ReadFile(filepath.Join(gen, "tiny.msi")); !bytes.Equal(before, after) {
		t.Fatal("msiapply modified its input database")
	}

	checkRows(t, "File AppTxt", p.Query(t, out, "SELECT `File`, `FileName`, `FileSize` FROM `File` WHERE `File` = 'AppTxt'"),
		[][]string{{"AppTxt", "app.txt", "999"}})
	checkRows(t, "File ReadmeTxt", p.Query(t, out, "SELECT `File`, `FileSize` FROM `File` WHERE `File` = 'ReadmeTxt'"),
		[][]string{{"ReadmeTxt", "12"}})
	checkRows(t, "Property FIXTURE_PROP", p.Query(t, out, "SELECT `Property`, `Value` FROM `Property` WHERE `Property` = 'FIXTURE_PROP'"),
		[][]string{{"FIXTURE_PROP", "hello"}})
	checkRows(t, "FeatureComponents", p.Query(t, out, "SELECT `Feature_`, `Component_` FROM `FeatureComponents`"),
		[][]string{{"Main", "CompApp"}})
	checkRows(t, "untouched tiny.msi", p.Query(t, filepath.Join(gen, "tiny.msi"), "SELECT `FileSize` FROM `File` WHERE `File` = 'AppTxt'"),
		[][]string{{"15"}})

	// A reader we did not write and that does not share Wine's code paths: msitools.
	msiinfo := testtools.LookPath(t, "msiinfo")
	idt, err := exec.Command(msiinfo, "export", out, "File").Output()
	if err != nil {
		t.Fatalf("msiinfo export: %v", err)
	}
	if !regexp.MustCompile(`(?m)^AppTxt\tCompApp\tapp\.txt\t999\t`).Match(idt) {
		t.Errorf("msiinfo export File does not show AppTxt size 999:\n%s", idt)
	}
	idt, err = exec.Command(msiinfo, "export", out, "FeatureComponents").Output()
	if err != nil {
		t.Fatalf("msiinfo export: %v", err)
	}
	if strings.Contains(string(idt), "CompDocs") {
		t.Errorf("msiinfo still sees the deleted FeatureComponents row:\n%s", idt)
	}

	// Something that is not a compound file is refused with an error code, not applied.
	junk := filepath.Join(t.TempDir(), "junk.mst")
	if err := os.WriteFile(junk, []byte("this is not a compound file"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, msg = p.ApplyTransform(t, filepath.Join(gen, "tiny.msi"), junk, filepath.Join(t.TempDir(), "junk.msi"), 0)
	if code == 0 {
		t.Fatalf("a junk transform applied without error: %s", msg)
	}
	t.Logf("Wine rejects a junk transform with error %d: %s", code, strings.TrimSpace(msg))

	t.Run("summary information", func(t *testing.T) {
		// Expected values are those documented in generated/README.md.
		checkProps(t, "tiny.msi", p.SummaryInfo(t, filepath.Join(gen, "tiny.msi")),
			map[int]string{2: "Installation Database", 7: "Intel;1033", 14: "200", 15: "2"})
		checkProps(t, "fix.mst", p.SummaryInfo(t, filepath.Join(gen, "fix.mst")), map[int]string{
			7:  "Intel;1033",
			8:  "Intel;1033",
			9:  "{12345678-1234-1234-1234-123456789ABC}1.0.0;{12345678-1234-1234-1234-123456789ABC}1.0.1;{ABCDEF01-2345-6789-ABCD-EF0123456789}",
			16: fmt.Sprint(0x0922001F),
		})
		checkProps(t, "hand.msp", p.SummaryInfo(t, filepath.Join(gen, "hand.msp")), map[int]string{
			7:  "{12345678-1234-1234-1234-123456789ABC}",
			8:  ":T1;:#T1",
			15: "4",
		})
	})
	t.Run("patch tables", func(t *testing.T) {
		// hand.msp's root has only an empty string pool: Wine opens it as a patch database
		// and finds no tables.
		if rows := p.QueryPatch(t, filepath.Join(gen, "hand.msp"), "SELECT `Name` FROM `_Tables`"); len(rows) != 0 {
			t.Errorf("hand.msp tables = %q, want none", rows)
		}
	})
}

func checkProps(t *testing.T, what string, got, want map[int]string) {
	t.Helper()
	for pid, w := range want {
		if got[pid] != w {
			t.Errorf("%s summary property %d = %q, want %q (all: %v)", what, pid, got[pid], w, got)
		}
	}
}

func checkRows(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: rows %q, want %q", what, got, want)
	}
}

// TestWineMsiexecBehaviour pins down what Wine 8's msiexec does with the patch skeleton and
// with administrative installs, so other packages know what the oracle can and cannot prove.
// If Wine changes, this test says so.
func TestWineMsiexecBehaviour(t *testing.T) {
	Require(t)
	gen := generatedDir(t)
	p := newTimedPrefix(t)
	tiny := filepath.Join(gen, "tiny.msi")
	if exit, log := timedMsiexec(t, p, "/i", p.WinPath(tiny)); exit != 0 {
		t.Fatalf("install tiny.msi: exit %d\n%s", exit, log)
	}
	appTxt := filepath.Join(p.ProgramFilesX86(), "TinyFixture", "app.txt")
	orig, err := os.ReadFile(appTxt)
	if err != nil {
		t.Fatal(err)
	}

	// hand.msp carries fix.mst as T1 and #T1 but no cabinet or Media row. Wine applies the
	// transforms to the cached package in memory (InstallFiles logs the new size 999),
	// re-copies the old file from the product cabinet without checking its size, returns 0 and
	// registers the patch.
	exit, log := timedMsiexec(t, p, "/p", p.WinPath(filepath.Join(gen, "hand.msp")), "REINSTALL=ALL", "REINSTALLMODE=omus")
	if exit != 0 {
		t.Fatalf("msiexec /p hand.msp: exit %d\n%s", exit, log)
	}
	if !strings.Contains(log, "File: app.txt,  Directory: INSTALLDIR,  Size: 999") {
		t.Errorf("log does not show the transformed File row (app.txt size 999)")
	}
	if now, _ := os.ReadFile(appTxt); !bytes.Equal(now, orig) {
		t.Errorf("app.txt changed although the patch has no payload")
	}
	var patches []Patch
	for _, pr := range p.Products(t) {
		if pr.Code == "{12345678-1234-1234-1234-123456789ABC}" {
			patches = pr.Patches
		}
	}
	if len(patches) != 1 || patches[0].Transforms != ":T1;:#T1" {
		t.Errorf("registered patches = %+v, want one with transforms :T1;:#T1", patches)
	}

	// Error codes: a missing package is ERROR_FILE_NOT_FOUND (2) in Wine 8, where Windows
	// says 1619 (ERROR_INSTALL_PACKAGE_OPEN_FAILED); removing an unknown product is 1605 in
	// both, which also proves exit codes above 255 arrive intact.
	exit, _ = timedMsiexec(t, p, "/i", p.WinPath(filepath.Join(t.TempDir(), "absent.msi")))
	if exit != 2 && exit != 1619 {
		t.Errorf("msiexec /i of a missing package: exit %d, want 2 (Wine 8) or 1619 (Windows)", exit)
	}
	exit, _ = timedMsiexec(t, p, "/x", "{00000000-1111-2222-3333-444444444444}")
	if exit != 1605 {
		t.Errorf("msiexec /x of an unknown product: exit %d, want 1605", exit)
	}

	// Administrative installs: Wine 8 has no handler for the ADMIN top-level action and
	// returns 1626 (ERROR_FUNCTION_NOT_CALLED) without
	// touching TARGETDIR, even for packages with an AdminExecuteSequence.
	target := t.TempDir()
	exit, log = timedMsiexec(t, p, "/a", p.WinPath(tiny), "TARGETDIR="+p.WinPath(target))
	entries, _ := os.ReadDir(target)
	if exit != 1626 || len(entries) != 0 {
		t.Errorf("msiexec /a: exit %d, %d entries in TARGETDIR; Wine 8 returned 1626 and wrote nothing "+
			"(if Wine now supports /a, update this test and the package docs)\n%s", exit, len(entries), log)
	}
}
