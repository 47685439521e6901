package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/delta"
	"github.com/ohotfix/ohotfix/internal/winetest"
)

// wineX64DLL returns a real x64 PE file: one of Wine's own 64-bit DLLs.
func wineX64DLL(t *testing.T, name string) []byte {
	t.Helper()
	paths, _ := filepath.Glob("/usr/lib/*/wine/x86_64-windows/" + name)
	paths = append(paths, "/usr/lib/wine/x86_64-windows/"+name)
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			return b
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("Wine's x64 %s not found", name)
	}
	t.Skipf("Wine's x64 %s not found (Debian package wine64)", name)
	return nil
}

// TestDeltaWindowsDecoder: deltas made by `ohotfix delta create` are
// applied by mspatcha.dll's ApplyPatchToFileW under Wine (whose decoder
// reproduces Windows' output byte for byte on Microsoft's vectors); the
// output must equal NEW byte for byte.
func TestDeltaWindowsDecoder(t *testing.T) {
	if testing.Short() {
		t.Skip("Wine test skipped in -short mode")
	}
	winetest.Require(t)
	rng := rand.New(rand.NewPCG(11, 12))
	pe := wineX64DLL(t, "msi.dll")
	big := wineX64DLL(t, "wined3d.dll")
	random := randomBytes(rng, 1<<20)
	text := editedTextPair(rng, 400<<10)
	// Near the 32 MiB window: the old file rounded to 32 KiB plus the new
	// one leave less than 64 KiB of it unused.
	bigOld := big[:16<<20]
	bigNew := scatteredEdits(rng, bigOld, 200, 5000, 60000)
	bigNew = bigNew[:(32<<20)-(16<<20)-40000]
	pairs := []deltaPair{
		text,
		{"x64 PE with scattered edits and an insert", pe, scatteredEdits(rng, pe, 60, 4096, 0)},
		{"random data with edits and a cut", random, scatteredEdits(rng, random, 50, 0, 30000)},
		{"empty old file", nil, text.new},
		{"identical files", pe, pe},
		{"near the 32 MiB window", bigOld, bigNew},
		{"above 8 MiB: LZX_LARGE", big[:5<<20], scatteredEdits(rng, big[:5<<20], 20, 100, 0)},
	}
	p := winetest.NewPrefix(t)
	dir := t.TempDir()
	for i, c := range pairs {
		t.Run(c.name, func(t *testing.T) {
			base := filepath.Join(dir, string(rune('a'+i)))
			old := writeFile(t, base+".old", c.old)
			nw := writeFile(t, base+".new", c.new)
			d := base + ".delta"
			if _, errOut, code := runDelta(t, "create", old, nw, "-o", d); code != 0 {
				t.Fatalf("create: exit %d: %s", code, errOut)
			}
			out := base + ".out"
			// Windows cannot map an empty file: a delta made without an
			// old file is applied with none (NULL), as Windows Installer
			// does; ohotfix accepts the empty file itself.
			oldArg := old
			if len(c.old) == 0 {
				oldArg = ""
			}
			code, msg := p.ApplyDelta(t, d, oldArg, out, 0)
			if code != 0 {
				t.Fatalf("mspatcha refused our delta: 0x%08X %s", code, msg)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, c.new) {
				t.Fatalf("mspatcha's output (%d bytes) differs from NEW (%d bytes)", len(got), len(c.new))
			}
			raw, _ := os.ReadFile(d)
			h, err := delta.ReadHeader(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if large := (int64(len(c.old))+32767)/32768*32768+int64(len(c.new)) > 8<<20; large != (h.Flags&delta.FlagLZXLarge != 0) {
				t.Fatalf("flags 0x%X for %d + %d bytes", h.Flags, len(c.old), len(c.new))
			}
			st, _ := os.Stat(d)
			t.Logf("%d -> %d bytes: delta %d bytes, applied by mspatcha", len(c.old), len(c.new), st.Size())
		})
	}
	// Wine's refusals match ours: the wrong old file.
	t.Run("wrong old file", func(t *testing.T) {
		a := filepath.Join(dir, "a.delta")
		code, _ := p.ApplyDelta(t, a, filepath.Join(dir, "c.old"), filepath.Join(dir, "wrong.out"), 0)
		if code != 0xC00E4104 {
			t.Fatalf("mspatcha: 0x%08X, want ERROR_PATCH_WRONG_FILE", code)
		}
	})
}
