package transformtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/msi"
)

// Product is a pair of wixl-built packages of one product: V1 and V2 (same
// ProductCode, version 1.0.0 -> 1.0.1). V2 changes app.txt's content and
// version, adds extra.txt to the existing component CompDocs and adds a
// new component CompNew (new.txt) to the existing feature Main. Files
// holds V2's installed files by name (relative to INSTALLDIR).
type Product struct {
	Dir    string
	V1, V2 string
	Files  map[string][]byte // v2 content by file name
	V1Data map[string][]byte // v1 content by file name
}

const productCode = "5A1E0C3D-7B2F-4C11-9D8E-0F1A2B3C4D5E"
const upgradeCode = "6B2F1D4E-8C3A-4D22-AE9F-1A2B3C4D5E6F"

func wxs(version string, v2 bool) string {
	var extra, newComp, newRef string
	appVer := appVersion(v2)
	if v2 {
		extra = `<File Id='ExtraTxt' Name='extra.txt' Source='src2/extra.txt' />`
		newComp = `<Component Id='CompNew' Guid='77777777-2222-3333-4444-888888888888'>
            <File Id='NewTxt' Name='new.txt' Source='src2/new.txt' KeyPath='yes' />
          </Component>`
		newRef = `<ComponentRef Id='CompNew' />`
	}
	src := "src1"
	if v2 {
		src = "src2"
	}
	return fmt.Sprintf(`<?xml version='1.0' encoding='utf-8'?>
<Wix xmlns='http://schemas.microsoft.com/wix/2006/wi'>
  <Product Name='Patch Fixture' Id='%s' UpgradeCode='%s'
           Language='1033' Codepage='1252' Version='%s' Manufacturer='Fixture Co'>
    <Package InstallerVersion='300' Compressed='yes' Comments='patch fixture %s' />
    <Media Id='1' Cabinet='fix.cab' EmbedCab='yes' />
    <Directory Id='TARGETDIR' Name='SourceDir'>
      <Directory Id='ProgramFilesFolder'>
        <Directory Id='INSTALLDIR' Name='PatchFixture'>
          <Component Id='CompApp' Guid='77777777-2222-3333-4444-555555555555'>
            <File Id='AppTxt' Name='app.txt' Source='%s/app.txt' DefaultVersion='%s' KeyPath='yes' />
          </Component>
          <Component Id='CompDocs' Guid='77777777-2222-3333-4444-666666666666'>
            <File Id='ReadmeTxt' Name='readme.txt' Source='%s/readme.txt' KeyPath='yes' />
            <File Id='BigTxt' Name='big.txt' Source='%s/big.txt' />
            %s
          </Component>
          %s
        </Directory>
      </Directory>
    </Directory>
    <Feature Id='Main' Title='Main' Level='1'>
      <ComponentRef Id='CompApp' />
      %s
    </Feature>
    <Feature Id='Docs' Title='Documentation' Level='1'>
      <ComponentRef Id='CompDocs' />
    </Feature>
  </Product>
</Wix>
`, productCode, upgradeCode, version, version, src, appVer, src, src, extra, newComp, newRef)
}

func appVersion(v2 bool) string {
	if v2 {
		return "1.0.1.0"
	}
	return "1.0.0.0"
}

func setFileVersion(path, key, version string) error {
	db, err := msi.Open(path)
	if err != nil {
		return err
	}
	defer db.Close()
	t, err := db.Table("File")
	if err != nil {
		return err
	}
	if err := t.Set([]any{key}, "Version", version); err != nil {
		return err
	}
	return db.Commit()
}

// BuildProduct builds V1 and V2 with wixl in a temporary directory
// (skipping without wixl).
func BuildProduct(t testing.TB) *Product {
	t.Helper()
	NeedTool(t, "wixl", "wixl")
	dir := t.TempDir()
	var big strings.Builder
	for i := 0; i < 800; i++ {
		fmt.Fprintf(&big, "big line %05d lorem ipsum dolor sit amet consectetur\n", i)
	}
	v1 := map[string][]byte{"app.txt": []byte("hello from app v1\n"), "readme.txt": []byte("readme text\n"), "big.txt": []byte(big.String())}
	v2 := map[string][]byte{"app.txt": []byte("hello from app v2, now longer\n"), "readme.txt": v1["readme.txt"], "big.txt": v1["big.txt"],
		"extra.txt": []byte("an extra file in an existing component\n"), "new.txt": []byte("a file of a new component\n")}
	write := func(sub string, files map[string][]byte) {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
		for n, b := range files {
			if err := os.WriteFile(filepath.Join(dir, sub, n), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("src1", v1)
	write("src2", v2)
	p := &Product{Dir: dir, V1: filepath.Join(dir, "v1.msi"), V2: filepath.Join(dir, "v2.msi"), Files: v2, V1Data: v1}
	for _, b := range []struct {
		out, version string
		v2           bool
	}{{p.V1, "1.0.0", false}, {p.V2, "1.0.1", true}} {
		src := filepath.Join(dir, filepath.Base(b.out)+".wxs")
		if err := os.WriteFile(src, []byte(wxs(b.version, b.v2)), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("wixl", "-o", b.out, src)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("wixl %s: %v\n%s", src, err, out.String())
		}
		// wixl ignores File/@DefaultVersion: give app.txt its file
		// version with our own database writer.
		if err := setFileVersion(b.out, "AppTxt", appVersion(b.v2)); err != nil {
			t.Fatal(err)
		}
	}
	return p
}
