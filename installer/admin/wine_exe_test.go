package admin

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/winetest"
)

// TestWindowsExeAdminUpdateUnderWine (issue 15) runs the Windows build of
// ohotfix in admin mode under Wine, whose file system (like SMB shares, FAT
// and older Windows) has no POSIX-semantics delete: the update must end with
// exit 0 and v2's image, a second run must say "already applied" with exit
// 0, and no staging folder may be left behind. Before the classic-delete
// fallback the first run patched the files but exited 1603 ("unlinkat
// …\.ohotfix-txn\committed: Invalid function") and every later run failed
// the same way.
func TestWindowsExeAdminUpdateUnderWine(t *testing.T) {
	exe, p := winetest.ExeInPrefix(t, "github.com/ohotfix/ohotfix/cmd/ohotfix")
	work := t.TempDir()
	fx := buildPatchFixture(t, work)

	img := p.Path(`C:\img`)
	mustCreate(t, fx.V1, img, false)
	updates := p.Path(`C:\updates`)
	if err := os.MkdirAll(updates, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(fx.Patch)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(updates, "fix.msp"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	ini := "[OHotfix]\r\nIsNormalUpdate=0\r\nAdminPath=C:\\img\\product.msi\r\nOHotfixUILevel=q\r\nMsiUILevel=n\r\n"
	if err := os.WriteFile(filepath.Join(updates, "ohotfix.ini"), []byte(ini), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	run := func(n int) (int, string) {
		out, errOut, code, err := p.Run(ctx, exe, "run", `C:\updates`, "/q", `/log:C:\updates\run`+string(rune('0'+n))+`.log`)
		if err != nil {
			t.Fatalf("run %d: %v", n, err)
		}
		log, _ := os.ReadFile(filepath.Join(updates, "run"+string(rune('0'+n))+".log"))
		return code, out + errOut + string(log)
	}

	code, text := run(1)
	if code != 0 {
		t.Fatalf("first run: exit %d, want 0\n%s", code, tail(text, 4000))
	}
	if !patchedDB(t, filepath.Join(img, "product.msi"), fx) {
		t.Fatal("first run: the image database is not patched")
	}
	got := withoutDB(treeSnapshot(t, img))
	if d := diffTrees(fx.v2Files(false), got); d != "" {
		t.Fatalf("first run: the image is not v2's:\n%s", d)
	}
	if _, err := os.Lstat(filepath.Join(img, stageDirName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("first run left %s: %v", stageDirName, err)
	}

	code, text = run(2)
	if code != 0 || !strings.Contains(strings.ToLower(text), "already applied") {
		t.Fatalf("second run: exit %d, want 0 and \"already applied\"\n%s", code, tail(text, 4000))
	}
	if _, err := os.Lstat(filepath.Join(img, stageDirName)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("second run left %s: %v", stageDirName, err)
	}
}
