package admin

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
	"github.com/ohotfix/ohotfix/msi/patch"
)

// longFileID is a File key so long that the stream "Patch.<key>.<seq>"
// cannot be stored: its delta's header goes to MsiPatchHeaders.
const longFileID = "TheLargeTextFileWhoseIdentifierIsLongerThanAnyStreamName"

// largeProductWxs: three large files in one component.
const largeProductWxs = `<?xml version='1.0' encoding='utf-8'?>
<Wix xmlns='http://schemas.microsoft.com/wix/2006/wi'>
  <Product Name='Large Delta Product' Id='{3D17A000-1111-4222-8333-444455556666}' UpgradeCode='{3D17A000-1111-4222-8333-777788889999}'
           Language='1033' Codepage='1252' Version='%[1]s' Manufacturer='Ohotfix Tests'>
    <Package InstallerVersion='300' Compressed='yes' />
    <Media Id='1' Cabinet='large.cab' EmbedCab='yes' />
    <Directory Id='TARGETDIR' Name='SourceDir'>
      <Directory Id='ProgramFilesFolder'>
        <Directory Id='INSTALLDIR' Name='LargeDelta'>
          <Component Id='CLarge' Guid='{3D17A000-1111-4222-8333-000000000001}'>
            <File Id='RandomBin' Name='random.bin' Source='src/random.bin' KeyPath='yes' />
            <File Id='TextLog' Name='text.log' Source='src/text.log' />
            <File Id='` + longFileID + `' Name='long-id.txt' Source='src/long-id.txt' />
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id='Main' Level='1'><ComponentRef Id='CLarge' /></Feature>
  </Product>
</Wix>
`

// largeSources are v1's files (v2 false) or v2's: 5 MB of random bytes
// and 3 MB and 2 MB of text; v2 edits a few bytes here and there and
// inserts a line.
func largeSources(v2 bool) map[string][]byte {
	r := rand.New(rand.NewPCG(17, 4))
	random := make([]byte, 5<<20)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	text := func(n int, seed uint64) []byte {
		r := rand.New(rand.NewPCG(seed, 9))
		var b bytes.Buffer
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, "%08d %x event=%d user=u%d status=ok\n", i, r.Uint64(), r.IntN(50), r.IntN(1000))
		}
		return b.Bytes()[:n]
	}
	files := map[string][]byte{"random.bin": random, "text.log": text(3<<20, 1), "long-id.txt": text(2<<20, 2)}
	if !v2 {
		return files
	}
	for name, b := range files {
		b = bytes.Clone(b)
		for at := 100_000; at < len(b); at += 700_000 {
			copy(b[at:], "EDITED")
		}
		mid := len(b) / 2
		files[name] = append(append(append([]byte{}, b[:mid]...), "a line inserted in version 2\n"...), b[mid:]...)
	}
	return files
}

func buildLargeProduct(t testing.TB, dir, version string, v2 bool) (string, map[string][]byte) {
	t.Helper()
	testtools.LookPath(t, "wixl")
	src := largeSources(v2)
	writeTree(t, filepath.Join(dir, "src"), func() map[string]string {
		m := map[string]string{}
		for k, v := range src {
			m[k] = string(v)
		}
		return m
	}())
	wxs := filepath.Join(dir, "product.wxs")
	if err := os.WriteFile(wxs, []byte(fmt.Sprintf(largeProductWxs, version)), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "product.msi")
	run(t, dir, "wixl", "-o", out, wxs)
	return out, src
}

// TestDeltaPatchTenTimesSmaller: for a product whose large files changed
// by small edits, `patch create --delta` is at least ten times smaller than
// the whole-file patch; it carries one delta's header in MsiPatchHeaders
// (a File key too long for the Patch row's stream), and our engine applies
// it to an admin image of v1, giving v2's files.
func TestDeltaPatchTenTimesSmaller(t *testing.T) {
	if testing.Short() {
		t.Skip("10 MB product: skipped in -short mode")
	}
	work := t.TempDir()
	v1, _ := buildLargeProduct(t, filepath.Join(work, "v1"), "1.0.0", false)
	v2, src2 := buildLargeProduct(t, filepath.Join(work, "v2"), "1.0.1", true)
	whole, deltaMsp := filepath.Join(work, "whole.msp"), filepath.Join(work, "delta.msp")
	if _, err := patch.Create(v1, v2, whole, patch.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	cr, err := patch.Create(v1, v2, deltaMsp, patch.CreateOptions{Delta: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(cr.Deltas) != 3 {
		t.Fatalf("deltas %v, want all three files", cr.Deltas)
	}
	ws, ds := fileSize(t, whole), fileSize(t, deltaMsp)
	t.Logf("whole-file patch %d bytes, delta patch %d bytes (%d bytes of deltas): %.0f× smaller", ws, ds, cr.DeltaBytes, float64(ws)/float64(ds))
	if ws < 10*ds {
		t.Errorf("the delta patch (%d bytes) is not 10× smaller than the whole-file patch (%d bytes)", ds, ws)
	}

	p, err := patch.Open(deltaMsp)
	if err != nil {
		t.Fatal(err)
	}
	rows, pkgs, err := p.Deltas(nil)
	p.Close()
	if err != nil || len(rows) != 3 || len(pkgs) != 1 {
		t.Fatalf("Deltas: %d rows, %d PatchPackage rows, %v", len(rows), len(pkgs), err)
	}
	for _, r := range rows {
		if r.HeaderErr != nil || r.Header == nil || r.Header.NewSize != int64(len(src2[map[string]string{"RandomBin": "random.bin", "TextLog": "text.log", longFileID: "long-id.txt"}[r.File]])) {
			t.Errorf("Patch row %+v: header %+v, %v", r, r.Header, r.HeaderErr)
		}
		if wantRef := r.File == longFileID; (r.StreamRef != "") != wantRef {
			t.Errorf("Patch row %s: StreamRef %q; want MsiPatchHeaders only for the long key", r.File, r.StreamRef)
		}
	}

	img := filepath.Join(work, "image")
	mustCreate(t, v1, img, false)
	res, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), deltaMsp, ApplyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesPatched != 3 {
		t.Errorf("result %+v: want 3 files from deltas", res)
	}
	for name, want := range src2 {
		got, err := os.ReadFile(filepath.Join(img, "LargeDelta", name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s in the patched image: %v (%d bytes, want v2's %d)", name, err, len(got), len(want))
		}
	}
	if strings.Contains(run(t, "", "msiinfo", "tables", filepath.Join(img, "product.msi")), "MsiPatchHeaders") {
		// The table may stay; its rows must not.
		if out := run(t, "", "msiinfo", "export", filepath.Join(img, "product.msi"), "MsiPatchHeaders"); len(strings.Split(strings.TrimSpace(out), "\n")) > 3 {
			t.Errorf("MsiPatchHeaders rows stay in the image:\n%s", out)
		}
	}
}

// largeDeltaPatch builds the large product's v1 and v2, the delta patch
// between them and an admin image of v1, under root.
func largeDeltaPatch(b *testing.B, root string) (msp, image string, newBytes int64) {
	b.Helper()
	v1, _ := buildLargeProduct(b, filepath.Join(root, "v1"), "1.0.0", false)
	v2, src2 := buildLargeProduct(b, filepath.Join(root, "v2"), "1.0.1", true)
	msp = filepath.Join(root, "delta.msp")
	if _, err := patch.Create(v1, v2, msp, patch.CreateOptions{Delta: true}); err != nil {
		b.Fatal(err)
	}
	image = filepath.Join(root, "image")
	if _, err := Create(context.Background(), v1, image, CreateOptions{}); err != nil {
		b.Fatal(err)
	}
	for _, d := range src2 {
		newBytes += int64(len(d))
	}
	return msp, image, newBytes
}

// BenchmarkApplyDeltaPatch applies the large delta patch (three files,
// 10 MiB, rebuilt from the image's own files) to a fresh hard-linked copy
// of the v1 image per iteration; MB/s counts the rebuilt files.
func BenchmarkApplyDeltaPatch(b *testing.B) {
	root := b.TempDir()
	msp, image, newBytes := largeDeltaPatch(b, root)
	b.SetBytes(newBytes)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		img := filepath.Join(root, fmt.Sprintf("run%d", i))
		linkTree(b, image, img)
		b.StartTimer()
		res, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), msp, ApplyOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.FilesPatched != 3 {
			b.Fatalf("%d files from deltas, want 3", res.FilesPatched)
		}
		os.RemoveAll(img)
		b.StartTimer()
	}
}

// BenchmarkCreateDeltaPatch makes the large product's delta patch
// (reading both packages, three 2–5 MB deltas); MB/s counts v2's files.
func BenchmarkCreateDeltaPatch(b *testing.B) {
	root := b.TempDir()
	v1, _ := buildLargeProduct(b, filepath.Join(root, "v1"), "1.0.0", false)
	v2, src2 := buildLargeProduct(b, filepath.Join(root, "v2"), "1.0.1", true)
	var n int64
	for _, d := range src2 {
		n += int64(len(d))
	}
	b.SetBytes(n)
	out := filepath.Join(root, "delta.msp")
	b.ResetTimer()
	for b.Loop() {
		cr, err := patch.Create(v1, v2, out, patch.CreateOptions{Delta: true})
		if err != nil {
			b.Fatal(err)
		}
		if len(cr.Deltas) != 3 {
			b.Fatalf("deltas %v", cr.Deltas)
		}
	}
}
