package admin

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// The test product: nested folders, short|long names, a target:source split
// on INSTALLDIR, three components in two features, one of Level 0.
const fixtureWxs = `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="{11111111-2222-3333-4444-555555555555}" Name="Admin Test" Language="1033" Version="%[1]s"
           Manufacturer="Ohotfix Tests" UpgradeCode="{66666666-7777-8888-9999-AAAAAAAAAAAA}">
    <Package InstallerVersion="200" Compressed="yes" %[2]s/>
    <Media Id="1" Cabinet="prod.cab" EmbedCab="yes" />
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="%[3]s">
        <Directory Id="INSTALLDIR" Name="Admin Test Product">
          <Directory Id="SUBDIR" Name="Library Files">
            <Directory Id="DEEPDIR" Name="deep">
              <Component Id="CDeep" Guid="{A0000000-0000-0000-0000-000000000004}" %[4]s>
                <File Id="DeepTxt" Name="deep.txt" Source="src/deep.txt" KeyPath="yes"/>
              </Component>
            </Directory>
            <Component Id="CLib" Guid="{A0000000-0000-0000-0000-000000000002}" %[4]s>
              <File Id="LibDll" Name="library.dll" Source="src/library.dll" KeyPath="yes"/>
              <File Id="DataBin" Name="big data file.bin" Source="src/data.bin"/>
            </Component>
          </Directory>
          <Component Id="CApp" Guid="{A0000000-0000-0000-0000-000000000001}" %[4]s>
            <File Id="AppExe" Name="application.exe" Source="src/application.exe" KeyPath="yes"/>
            <File Id="Readme" Name="readme.txt" Source="src/readme.txt"/>%[5]s
          </Component>
          <Component Id="COpt" Guid="{A0000000-0000-0000-0000-000000000003}" %[4]s>
            <File Id="OptTxt" Name="optional file.txt" Source="src/opt.txt" KeyPath="yes"/>
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Main" Level="1"><ComponentRef Id="CApp"/><ComponentRef Id="CLib"/><ComponentRef Id="CDeep"/></Feature>
    <Feature Id="Off" Level="0"><ComponentRef Id="COpt"/></Feature>
  </Product>
</Wix>
`

// fixtureSQL gives the product short|long names and a target:source split.
// wixl ignores ShortName/SourceName, so msibuild (msitools) sets them.
var fixtureSQL = []string{
	"UPDATE `Directory` SET `DefaultDir`='ADMINT~1|Admin Test Product:SRCTRE~1|Source Tree Long' WHERE `Directory`='INSTALLDIR'",
	"UPDATE `Directory` SET `DefaultDir`='LIBRAR~1|Library Files' WHERE `Directory`='SUBDIR'",
	"UPDATE `File` SET `FileName`='APPLIC~1.EXE|application.exe' WHERE `File`='AppExe'",
	"UPDATE `File` SET `FileName`='BIGDAT~1.BIN|big data file.bin' WHERE `File`='DataBin'",
	"UPDATE `File` SET `FileName`='OPTION~1.TXT|optional file.txt' WHERE `File`='OptTxt'",
	"UPDATE `File` SET `Attributes`=16896 WHERE `File`='Readme'", // Vital|Compressed
}

// fixtureSources are the file contents of a product version.
func fixtureSources(version string) map[string][]byte {
	big := make([]byte, 300_000)
	seed := uint32(len(version)) * 2654435761
	for _, c := range version {
		seed = seed*31 + uint32(c)
	}
	for i := range big {
		seed = seed*1664525 + 1013904223
		big[i] = byte(seed >> 24)
	}
	return map[string][]byte{
		"application.exe": []byte("application " + version + "\n"),
		"library.dll":     []byte("library " + version + strings.Repeat(" lib", 500) + "\n"),
		"data.bin":        big,
		"readme.txt":      []byte("readme (unchanged)\n"),
		"opt.txt":         []byte("optional " + version + "\n"),
		"deep.txt":        []byte("deep file\n"),
	}
}

// fixturePaths are where each File key lands in an image, long and short.
var fixturePaths = map[string][2]string{
	"AppExe":  {"Source Tree Long/application.exe", "SRCTRE~1/APPLIC~1.EXE"},
	"Readme":  {"Source Tree Long/readme.txt", "SRCTRE~1/readme.txt"},
	"LibDll":  {"Source Tree Long/Library Files/library.dll", "SRCTRE~1/LIBRAR~1/library.dll"},
	"DataBin": {"Source Tree Long/Library Files/big data file.bin", "SRCTRE~1/LIBRAR~1/BIGDAT~1.BIN"},
	"DeepTxt": {"Source Tree Long/Library Files/deep/deep.txt", "SRCTRE~1/LIBRAR~1/deep/deep.txt"},
}

var fixtureSource = map[string]string{
	"AppExe": "application.exe", "Readme": "readme.txt", "LibDll": "library.dll",
	"DataBin": "data.bin", "DeepTxt": "deep.txt", "OptTxt": "opt.txt",
}

// buildFixture builds the test product with wixl in dir/name.msi.
func buildFixture(t testing.TB, dir, name, version string, x64 bool) (string, map[string][]byte) {
	return buildFixtureExtra(t, dir, name, version, x64, false)
}

// newFilePaths is where the file only version 2 has lands (long, short).
var newFilePaths = [2]string{"Source Tree Long/added in v2.txt", "SRCTRE~1/ADDEDI~1.TXT"}

// buildFixtureExtra builds the product; extra adds the file NewTxt (version
// 2 of the patch tests).
func buildFixtureExtra(t testing.TB, dir, name, version string, x64, extra bool) (string, map[string][]byte) {
	t.Helper()
	testtools.LookPath(t, "wixl")
	testtools.LookPath(t, "msibuild")
	src := fixtureSources(version)
	extraXML := ""
	if extra {
		src["new.txt"] = []byte("a file new in " + version + "\n")
		extraXML = `
            <File Id="NewTxt" Name="added in v2.txt" Source="src/new.txt"/>`
	}
	if err := os.MkdirAll(filepath.Join(dir, "src"), 0o755); err != nil {
		t.Fatal(err)
	}
	for n, b := range src {
		if err := os.WriteFile(filepath.Join(dir, "src", n), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pkgAttr, pf, compAttr, arch := "", "ProgramFilesFolder", "", "x86"
	if x64 {
		pkgAttr, pf, compAttr, arch = `Platform="x64" `, "ProgramFiles64Folder", `Win64="yes"`, "x64"
	}
	wxs := filepath.Join(dir, name+".wxs")
	if err := os.WriteFile(wxs, []byte(fmt.Sprintf(fixtureWxs, version, pkgAttr, pf, compAttr, extraXML)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name+".msi")
	run(t, dir, "wixl", "-a", arch, "-o", out, wxs)
	for _, q := range fixtureSQL {
		run(t, dir, "msibuild", out, "-q", q)
	}
	if extra {
		run(t, dir, "msibuild", out, "-q", "UPDATE `File` SET `FileName`='ADDEDI~1.TXT|added in v2.txt' WHERE `File`='NewTxt'")
	}
	return out, src
}
