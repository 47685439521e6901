package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2EDeltaPatch drives `patch create --delta`, `patch inspect` and
// `admin patch` as users do: a text file edited in one line travels as a
// binary delta, the image takes it, and an image whose baseline was edited
// refuses it with 1642, unchanged.
func TestE2EDeltaPatch(t *testing.T) {
	work := t.TempDir()
	var v1, v2 strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&v1, "line %04d of the a file\n", i)
		if i == 1000 {
			fmt.Fprintf(&v2, "line %04d of the a file, edited in version 2\n", i)
		} else {
			fmt.Fprintf(&v2, "line %04d of the a file\n", i)
		}
	}
	p1 := adminTestPackage(t, filepath.Join(work, "v1"), "1.0.0", v1.String())
	p2 := adminTestPackage(t, filepath.Join(work, "v2"), "1.0.1", v2.String())
	msp := filepath.Join(work, "P.msp")
	r := runBinary(t, nil, "patch", "create", "--delta", "--target", p1, "--upgraded", p2, "-o", msp)
	if r.status != 0 || !strings.Contains(r.stdout, "A (updated, delta)") {
		t.Fatalf("patch create --delta: %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	if r := runBinary(t, nil, "patch", "inspect", msp); r.status != 0 || !strings.Contains(r.stdout, "Delta A (") {
		t.Errorf("patch inspect does not list the delta: %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	img := filepath.Join(work, "image")
	if r := runBinary(t, nil, "admin", "create", p1, "-d", img); r.status != 0 {
		t.Fatal(r.stderr)
	}
	r = runBinary(t, nil, "admin", "patch", filepath.Join(img, "product.msi"), msp)
	if r.status != 0 || !strings.Contains(r.stdout+r.stderr, "1 from binary deltas") {
		t.Fatalf("admin patch: %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	if b, err := os.ReadFile(filepath.Join(img, "Admin CLI", "sub", "a.txt")); err != nil || string(b) != v2.String() {
		t.Fatalf("a.txt after the delta: %d bytes, %v", len(b), err)
	}

	bad := filepath.Join(work, "edited")
	if r := runBinary(t, nil, "admin", "create", p1, "-d", bad); r.status != 0 {
		t.Fatal(r.stderr)
	}
	a := filepath.Join(bad, "Admin CLI", "sub", "a.txt")
	if err := os.WriteFile(a, []byte("edited by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runBinary(t, nil, "admin", "patch", filepath.Join(bad, "product.msi"), msp)
	if r.status != wantStatus(1642) || !strings.Contains(r.stderr, "sub/a.txt") || !strings.Contains(r.stderr, "expected") {
		t.Fatalf("admin patch of an edited baseline: %d, want 1642 naming a.txt\n%s%s", r.status, r.stdout, r.stderr)
	}
	if b, _ := os.ReadFile(a); string(b) != "edited by hand\n" {
		t.Errorf("the refused update changed a.txt")
	}
}
