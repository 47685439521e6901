package transformtest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
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

// relayout writes the package at path into dir/<name> with its files laid
// out as layout says.
func relayout(path, dir string, layout Layout, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	db, err := msi.Open(path)
	if err != nil {
		return err
	}
	defer db.Close()
	media, err := db.Table("Media")
	if err != nil {
		return err
	}
	switch layout {
	case External:
		b, err := db.ReadStream("fix.cab")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "ext.cab"), b, 0o644); err != nil {
			return err
		}
		if err := media.Set([]any{1}, "Cabinet", "ext.cab"); err != nil {
			return err
		}
	case SourceTree:
		for name, b := range files {
			p := filepath.Join(dir, "PatchFixture", name)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				return err
			}
		}
		if err := media.Set([]any{1}, "Cabinet", nil); err != nil {
			return err
		}
		si, err := db.Summary()
		if err != nil {
			return err
		}
		si.SetInt(msi.PIDWordCount, si.WordCount()&^msi.WordCountCompressed)
		db.SetSummary(si)
	}
	db.DeleteStream("fix.cab")
	return db.WriteFile(filepath.Join(dir, filepath.Base(path)))
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

// Layout says where a built package keeps its files.
type Layout int

const (
	Embedded   Layout = iota // MSZIP cabinet stream inside the .msi (wixl's output)
	External                 // the same cabinet as a file beside the .msi
	SourceTree               // uncompressed files laid out under the .msi's folder
)

// BuildProduct builds V1 and V2 with wixl in a temporary directory
// (skipping without wixl), with embedded cabinets.
func BuildProduct(t testing.TB) *Product { t.Helper(); return BuildProductLayout(t, Embedded) }

// BuildProductLayout builds V1 and V2 and then moves their files where
// layout says. wixl writes only embedded cabinets, so the other layouts are
// made with our database writer: External moves the stream to a cabinet
// file and names it in Media; SourceTree writes the files to
// <dir>/vN/PatchFixture/ (the source layout of INSTALLDIR under
// ProgramFilesFolder, whose DefaultDir is "."), clears Media.Cabinet and
// the summary's "compressed" bit. Each package then sits in its own folder.
func BuildProductLayout(t testing.TB, layout Layout) *Product {
	t.Helper()
	testtools.LookPath(t, "wixl")
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
	if layout != Embedded {
		files := map[string]map[string][]byte{p.V1: v1, p.V2: v2}
		for _, old := range []string{p.V1, p.V2} {
			sub := filepath.Join(dir, strings.TrimSuffix(filepath.Base(old), ".msi"))
			if err := relayout(old, sub, layout, files[old]); err != nil {
				t.Fatal(err)
			}
		}
		p.V1, p.V2 = filepath.Join(dir, "v1", "v1.msi"), filepath.Join(dir, "v2", "v2.msi")
	}
	return p
}
