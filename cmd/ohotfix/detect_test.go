package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// `ohotfix check --detect [DIR]` is the detection rule of Intune and
// ConfigMgr script detection: exit 0 and one line "detected: …" on stdout
// when every patch in DIR is applied to every target it applies to; exit 1
// and nothing on stdout otherwise (Intune: exit 0 + stdout = installed).

var (
	secondPatchOnce sync.Once
	secondPatch     string
	secondPatchErr  error
)

// demoSecondPatch is a second patch for the demo product, on top of the
// first (v2 1.0.1 → a v3 1.0.2 whose readme changed), with its own patch
// code and sequence family, so that a folder can hold one applied and one
// pending patch.
func demoSecondPatch(t *testing.T) string {
	f := demoProduct(t)
	secondPatchOnce.Do(func() {
		dir := filepath.Join(f.dir, "second")
		v3 := filepath.Join(dir, "v3")
		copyTree(t, filepath.Join(f.dir, "v2"), v3)
		if err := os.WriteFile(filepath.Join(v3, "readme.txt"), []byte("readme, second fix\n"), 0o644); err != nil {
			secondPatchErr = err
			return
		}
		wxs, _ := filepath.Abs("../../examples/demo/product.wxs")
		cmd := exec.Command("wixl", "-D", "Version=1.0.2", "-D", "Src=v3", "-o", "v3.msi", wxs)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			secondPatchErr = &exec.Error{Name: "wixl " + string(out), Err: err}
			return
		}
		secondPatch = filepath.Join(dir, "second.msp")
		r := runBinary(t, nil, "patch", "create", "--target", f.v2, "--upgraded", filepath.Join(dir, "v3.msi"), "-o", secondPatch,
			"--patch-code", "{11111111-2222-3333-4444-555555555555}", "--sequence", "DemoSecond:1.0.2")
		if r.status != 0 {
			secondPatchErr = &exec.Error{Name: "patch create: " + r.stderr, Err: exec.ErrNotFound}
		}
	})
	if secondPatchErr != nil {
		t.Fatal(secondPatchErr)
	}
	return secondPatch
}

// detect runs `ohotfix check --detect DIR` (flag before or after DIR).
func detect(t *testing.T, updates string, flagLast bool) runResult {
	t.Helper()
	env := []string{"TMPDIR=" + filepath.Join(filepath.Dir(updates), "tmp")}
	os.MkdirAll(filepath.Join(filepath.Dir(updates), "tmp"), 0o755)
	if flagLast {
		return runBinary(t, env, "check", updates, "--detect")
	}
	return runBinary(t, env, "check", "--detect", updates)
}

func requireDetected(t *testing.T, r runResult) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	if r.status != 0 || len(lines) != 1 || !strings.HasPrefix(lines[0], "detected: ") || !strings.HasSuffix(r.stdout, "\n") {
		t.Fatalf("want exit 0 and one line \"detected: …\"; got status %d stdout %q stderr %q", r.status, r.stdout, r.stderr)
	}
}

func requireNotDetected(t *testing.T, r runResult) {
	t.Helper()
	if r.status != 1 || r.stdout != "" {
		t.Fatalf("want exit 1 and nothing on stdout; got status %d stdout %q stderr %q", r.status, r.stdout, r.stderr)
	}
}

// requireDetectFlag stops the test while `check --detect` does not exist
// yet (it is being built on main): a skip saying so outside CI, a failure
// under CI=true so that it cannot land unimplemented.
func requireDetectFlag(t *testing.T) {
	r := runBinary(t, nil, "check", "--detect", t.TempDir())
	if strings.Contains(r.stderr, "flag provided but not defined: -detect") {
		if os.Getenv("CI") == "true" {
			t.Fatalf("ohotfix check --detect is not implemented: %s", r.stderr)
		}
		t.Skipf("ohotfix check --detect is not implemented yet: %s", strings.TrimSpace(r.stderr))
	}
}

func TestCheckDetect(t *testing.T) {
	requireDetectFlag(t)
	second := demoSecondPatch(t)

	t.Run("not applied", func(t *testing.T) {
		updates, image := adminCase(t, "")
		before := treeHash(t, image)
		requireNotDetected(t, detect(t, updates, false))
		requireNotDetected(t, detect(t, updates, true))
		if treeHash(t, image) != before {
			t.Error("check --detect changed the image")
		}
	})

	t.Run("all applied", func(t *testing.T) {
		updates, image := adminCase(t, "")
		copyFile(t, second, filepath.Join(updates, "second.msp"))
		if r := runIn(t, updates, nil); r.status != 0 {
			t.Fatalf("run: %d %s", r.status, r.stderr)
		}
		before := treeHash(t, image)
		requireDetected(t, detect(t, updates, false))
		requireDetected(t, detect(t, updates, true))
		if treeHash(t, image) != before {
			t.Error("check --detect changed the image")
		}
	})

	t.Run("partly applied", func(t *testing.T) {
		updates, _ := adminCase(t, "")
		if r := runIn(t, updates, nil); r.status != 0 { // fix.msp only
			t.Fatalf("run: %d %s", r.status, r.stderr)
		}
		requireDetected(t, detect(t, updates, false)) // the folder's one patch is applied
		copyFile(t, second, filepath.Join(updates, "second.msp"))
		requireNotDetected(t, detect(t, updates, false)) // second.msp is still pending
		requireNotDetected(t, detect(t, updates, true))
	})

	t.Run("broken patch", func(t *testing.T) {
		updates, _ := adminCase(t, "")
		if r := runIn(t, updates, nil); r.status != 0 {
			t.Fatalf("run: %d %s", r.status, r.stderr)
		}
		requireDetected(t, detect(t, updates, false))
		// A damaged .msp beside the applied one: nothing can say it is
		// applied, so the update is not detected (and nothing goes to stdout).
		data, err := os.ReadFile(second)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(updates, "second.msp"), data[:len(data)/3], 0o644)
		requireNotDetected(t, detect(t, updates, false))
		requireNotDetected(t, detect(t, updates, true))
	})
}
