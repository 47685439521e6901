package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

const adminTestWxs = `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
 <Product Id="{33333333-2222-3333-4444-555555555555}" Name="Admin CLI" Language="1033" Version="%s"
  Manufacturer="Ohotfix Tests" UpgradeCode="{88888888-7777-8888-9999-AAAAAAAAAAAA}">
  <Package InstallerVersion="200" Compressed="yes"/>
  <Media Id="1" Cabinet="c.cab" EmbedCab="yes"/>
  <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder">
   <Directory Id="INSTALLDIR" Name="Admin CLI"><Directory Id="SUB" Name="sub">
    <Component Id="C1" Guid="{C0000000-0000-0000-0000-000000000001}">
     <File Id="A" Name="a.txt" Source="a.txt" KeyPath="yes"/><File Id="B" Name="b.txt" Source="b.txt"/>
    </Component></Directory></Directory></Directory></Directory>
  <Feature Id="Main" Level="1"><ComponentRef Id="C1"/></Feature>
 </Product>
</Wix>
`

// adminTestPackage builds version v of a two-file product with wixl.
func adminTestPackage(t *testing.T, dir, v, aText string) string {
	t.Helper()
	testtools.LookPath(t, "wixl")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"a.txt": aText, "b.txt": "b stays\n", "p.wxs": fmt.Sprintf(adminTestWxs, v)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "product.msi")
	cmd := exec.Command("wixl", "-o", out, "p.wxs")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wixl: %v\n%s", err, b)
	}
	return out
}

// TestE2EAdminCreateAndPatch drives `ohotfix admin` as users do: create an
// image, patch it (made by `ohotfix patch create`), patch again (no-op),
// refuse a non-image, survive a crash (test hook) with `admin recover`.
func TestE2EAdminCreateAndPatch(t *testing.T) {
	work := t.TempDir()
	v1 := adminTestPackage(t, filepath.Join(work, "v1"), "1.0.0", "a version one\n")
	v2 := adminTestPackage(t, filepath.Join(work, "v2"), "1.0.1", "a version two, longer\n")
	msp := filepath.Join(work, "P.msp")
	if r := runBinary(t, nil, "patch", "create", "--target", v1, "--upgraded", v2, "-o", msp); r.status != 0 {
		t.Fatalf("patch create: %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	img := filepath.Join(work, "image")
	r := runBinary(t, nil, "admin", "create", v1, "-d", img)
	if r.status != 0 || !strings.Contains(r.stdout, "2 files") {
		t.Fatalf("admin create: %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	imgMsi := filepath.Join(img, "product.msi")
	aPath := filepath.Join(img, "Admin CLI", "sub", "a.txt")
	if b, err := os.ReadFile(aPath); err != nil || string(b) != "a version one\n" {
		t.Fatalf("image file a.txt: %q %v", b, err)
	}

	// A crash in the middle of the switch-over, then recovery.
	crashed := filepath.Join(work, "crashed")
	if r := runBinary(t, nil, "admin", "create", v1, "-d", crashed); r.status != 0 {
		t.Fatal(r.stderr)
	}
	r = runBinary(t, []string{"OHOTFIX_TEST_CRASH_AT=6"}, "admin", "patch", filepath.Join(crashed, "product.msi"), msp)
	if r.status == 0 {
		t.Fatalf("the crash hook did not stop the run:\n%s", r.stdout)
	}
	if _, err := os.Stat(filepath.Join(crashed, ".ohotfix-txn")); err != nil {
		t.Fatalf("the killed run left no transaction to recover: %v", err)
	}
	if r := runBinary(t, nil, "admin", "recover", crashed); r.status != 0 {
		t.Fatalf("admin recover: %d\n%s", r.status, r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(crashed, "Admin CLI", "sub", "a.txt")); string(b) != "a version one\n" {
		t.Fatalf("after recovery a.txt = %q, want the old content", b)
	}

	r = runBinary(t, nil, "admin", "patch", imgMsi, msp)
	if r.status != 0 || !strings.Contains(r.stdout, "1 files replaced") {
		t.Fatalf("admin patch: %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(aPath); string(b) != "a version two, longer\n" {
		t.Fatalf("patched a.txt = %q", b)
	}
	r = runBinary(t, nil, "admin", "patch", imgMsi, msp)
	if r.status != 0 || !strings.Contains(r.stdout, "already applied") {
		t.Fatalf("second admin patch: %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	r = runBinary(t, nil, "admin", "info", imgMsi)
	if r.status != 0 || !strings.Contains(r.stdout, "admin image: true") || !strings.Contains(r.stdout, "1.0.1") {
		t.Fatalf("admin info: %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	r = runBinary(t, nil, "admin", "patch", v1, msp)
	if r.status != wantStatus(1620) || !strings.Contains(r.stderr, "admin create") {
		t.Fatalf("patching a non-image: status %d, want %d\n%s", r.status, wantStatus(1620), r.stderr)
	}
	r = runBinary(t, nil, "admin", "patch", imgMsi, filepath.Join(work, "missing.msp"))
	if r.status != wantStatus(1635) {
		t.Fatalf("missing patch: status %d, want %d\n%s", r.status, wantStatus(1635), r.stderr)
	}
}

// TestAdminRecoverTakesImageDatabase: `admin recover` takes the image folder
// or its database (IMAGE.msi, as `admin patch` does); anything else is 1639.
func TestAdminRecoverTakesImageDatabase(t *testing.T) {
	work := t.TempDir()
	v1 := adminTestPackage(t, filepath.Join(work, "v1"), "1.0.0", "a version one\n")
	img := filepath.Join(work, "image")
	if r := runBinary(t, nil, "admin", "create", v1, "-d", img); r.status != 0 {
		t.Fatalf("admin create: %d\n%s", r.status, r.stderr)
	}
	// What a run killed while staging leaves: a staging folder, no journal.
	stage := filepath.Join(img, ".ohotfix-txn")
	if err := os.MkdirAll(filepath.Join(stage, "new"), 0o755); err != nil {
		t.Fatal(err)
	}
	if r := runBinary(t, nil, "admin", "recover", filepath.Join(img, "product.msi")); r.status != 0 {
		t.Fatalf("admin recover IMAGE.msi: %d\n%s", r.status, r.stderr)
	}
	if _, err := os.Stat(stage); !os.IsNotExist(err) {
		t.Fatalf("the staging folder is still there after recover IMAGE.msi: %v", err)
	}
	other := filepath.Join(work, "notes.txt")
	os.WriteFile(other, []byte("x"), 0o644)
	for _, arg := range []string{other, filepath.Join(work, "missing.msi")} {
		if r := runBinary(t, nil, "admin", "recover", arg); r.status != wantStatus(1639) || !strings.Contains(r.stderr, "neither") {
			t.Fatalf("admin recover %s: status %d, want %d\n%s", arg, r.status, wantStatus(1639), r.stderr)
		}
	}
}
