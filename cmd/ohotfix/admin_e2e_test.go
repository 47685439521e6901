package main

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/internal/e2efixture"
	"github.com/ohotfix/ohotfix/msi"
)

// demoFixture is e2efixture's product: a wixl-built product v1, its v2, a
// patch v1→v2 made by `ohotfix patch create`, and an admin image of v1 made
// by `ohotfix admin create` — built once per test run and copied by each
// test.
type demoFixture struct {
	dir, v1, v2, patch, image string
}

func demoProduct(t *testing.T) demoFixture {
	t.Helper()
	d := e2efixture.Product(t)
	return demoFixture{dir: d.Dir, v1: d.V1, v2: d.V2, patch: d.Patch, image: d.Image}
}

// adminCase copies the image and the patch into a test folder with an
// ohotfix.ini holding ini (plus AdminPath) and returns the folder.
func adminCase(t *testing.T, ini string) (updates, image string) {
	f := demoProduct(t)
	root := t.TempDir()
	image = filepath.Join(root, "image")
	copyTree(t, f.image, image)
	updates = filepath.Join(root, "updates")
	os.Mkdir(updates, 0o755)
	copyFile(t, f.patch, filepath.Join(updates, "fix.msp"))
	text := "[OHotfix]\nIsNormalUpdate=0\nAdminPath=" + filepath.Join(image, "v1.msi") + "\nOHotfixUILevel=q\n" + ini
	os.WriteFile(filepath.Join(updates, "ohotfix.ini"), []byte(text), 0o644)
	return updates, image
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := e2efixture.CopyFile(from, to); err != nil {
		t.Fatal(err)
	}
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	e2efixture.CopyTree(t, from, to)
}

// treeHash summarises every file of an image (lock files excluded).
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	return e2efixture.TreeHash(t, dir)
}

func runIn(t *testing.T, updates string, env []string, args ...string) runResult {
	tmp := filepath.Join(filepath.Dir(updates), "tmp")
	os.MkdirAll(tmp, 0o755)
	return runBinary(t, append([]string{"TMPDIR=" + tmp}, env...), append([]string{"run", updates}, args...)...)
}

func TestAdminRunPatchesImageThenNoOp(t *testing.T) {
	f := demoProduct(t)
	updates, image := adminCase(t, "")
	r := runIn(t, updates, nil, "/result-json:"+filepath.Join(updates, "r.json"))
	if r.status != 0 {
		t.Fatalf("run: %d %s", r.status, r.stderr)
	}
	for _, name := range []string{"application.txt", "engine.dat", "Documentation/readme.txt"} {
		got, _ := os.ReadFile(filepath.Join(image, "Contoso Demo", name))
		want, _ := os.ReadFile(filepath.Join(f.dir, "v2", filepath.Base(name)))
		if string(got) != string(want) {
			t.Errorf("%s differs from v2 after patching", name)
		}
	}
	before := treeHash(t, image)
	r = runBinary(t, []string{"TMPDIR=" + t.TempDir()}, "run", updates, "--set", "OHotfixUILevel=n")
	if r.status != 0 || !strings.Contains(r.stdout, "already applied") {
		t.Errorf("second run: %d %q %q", r.status, r.stdout, r.stderr)
	}
	if treeHash(t, image) != before {
		t.Error("second run changed the image")
	}
}

// Each refusal has its code and changes nothing.
func TestAdminRefusalsLeaveImageUnchanged(t *testing.T) {
	cases := []struct {
		name, ini, want string
		code            int
	}{
		{"MinProductVersion above the image", "MinProductVersion=2.0\n", "MinProductVersion", 1642},
		{"MinMsiVersion above the engine", "MinMsiVersion=5.0\n", "MinMsiVersion", 1613},
		{"FeatureToCheck missing, all needed", "FeatureToCheck=NoSuchFeature\nRequireAllPatchesNeeded=1\n", "NoSuchFeature", 1642},
		{"pending reboot blocks", "BlockOnPendingReboot=1\n", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			updates, image := adminCase(t, tc.ini)
			before := treeHash(t, image)
			r := runIn(t, updates, nil, "--set", "OHotfixUILevel=q")
			if tc.code == 0 { // depends on this machine: expect what its probe says
				if checks.ProbePendingReboot().Pending {
					if r.status != wantStatus(3017) || !strings.Contains(r.stderr, "PendingReboot") || treeHash(t, image) != before {
						t.Errorf("reboot pending: status %d %s", r.status, r.stderr)
					}
				} else if r.status != 0 || treeHash(t, image) == before {
					t.Errorf("no reboot pending: status %d %s (the patch should apply)", r.status, r.stderr)
				}
				return
			}
			if r.status != wantStatus(tc.code) || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("status %d (want %d) stderr %q", r.status, wantStatus(tc.code), r.stderr)
			}
			if treeHash(t, image) != before {
				t.Error("image changed although the run was refused")
			}
		})
	}
}

func TestAdminFeatureToCheckSkips(t *testing.T) {
	updates, image := adminCase(t, "FeatureToCheck=NoSuchFeature\n")
	before := treeHash(t, image)
	r := runIn(t, updates, nil, "--set", "OHotfixUILevel=n")
	if r.status != 0 || !strings.Contains(r.stdout, "NoSuchFeature") {
		t.Errorf("status %d stdout %q", r.status, r.stdout)
	}
	if treeHash(t, image) != before {
		t.Error("image changed")
	}
	// The named feature present: the patch applies.
	updates, _ = adminCase(t, "FeatureToCheck=Main\n")
	if r := runIn(t, updates, nil); r.status != 0 {
		t.Errorf("FeatureToCheck=Main: %d %s", r.status, r.stderr)
	}
}

func TestAdminPathNotAnImage(t *testing.T) {
	f := demoProduct(t)
	updates, _ := adminCase(t, "")
	r := runIn(t, updates, nil, "/admin:"+f.v1) // the original package, not an admin image
	if r.status != wantStatus(1620) || !strings.Contains(r.stderr, "admin create") {
		t.Errorf("status %d stderr %q", r.status, r.stderr)
	}
	r = runIn(t, updates, nil, "/admin:"+filepath.Join(f.dir, "missing.msi"))
	if r.status != wantStatus(1620) {
		t.Errorf("missing image: status %d %q", r.status, r.stderr)
	}
}

func TestAdminPatchNeedsNewerInstaller(t *testing.T) {
	updates, image := adminCase(t, "")
	editSummary(t, filepath.Join(updates, "fix.msp"), func(si *msi.SummaryInfo) {
		si.SetInt(msi.PIDWordCount, 6) // beyond Windows Installer 3.1
	})
	before := treeHash(t, image)
	r := runIn(t, updates, nil)
	if r.status != wantStatus(1637) {
		t.Errorf("status %d %q", r.status, r.stderr)
	}
	if treeHash(t, image) != before {
		t.Error("image changed")
	}
}

func TestAdminPatchForAnotherProduct(t *testing.T) {
	updates, image := adminCase(t, "")
	editSummary(t, filepath.Join(updates, "fix.msp"), func(si *msi.SummaryInfo) {
		si.SetString(msi.PIDTemplate, "{00000000-1111-2222-3333-444444444444}") // another product
	})
	before := treeHash(t, image)
	if r := runIn(t, updates, nil); r.status != 0 {
		t.Errorf("not needed: status %d %q", r.status, r.stderr)
	}
	if r := runIn(t, updates, nil, "--set", "RequireAllPatchesNeeded=1"); r.status != wantStatus(1642) {
		t.Errorf("RequireAllPatchesNeeded: status %d %q", r.status, r.stderr)
	}
	if treeHash(t, image) != before {
		t.Error("image changed")
	}
}

type span struct {
	pid        string
	enter, end int64
}

func readTrace(t *testing.T, path string) []span {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	open := map[string]int64{}
	var spans []span
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var ev, pid string
		var ts int64
		fmt.Sscan(sc.Text(), &ev, &pid, &ts)
		if ev == "enter" {
			open[pid] = ts
		} else if ev == "leave" {
			spans = append(spans, span{pid, open[pid], ts})
			delete(open, pid)
		}
	}
	for pid, ts := range open {
		spans = append(spans, span{pid, ts, 1 << 62}) // killed inside
	}
	return spans
}

// Ten runs on one machine, each with its own image: never two applying at
// once; with a long wait all succeed one after another.
func TestTenConcurrentRunsNeverOverlap(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace")
	var wg sync.WaitGroup
	results := make([]runResult, 10)
	env := []string{"OHOTFIX_TEST_APPLY_TRACE=" + trace, "OHOTFIX_TEST_APPLY_HOLD=150ms"}
	var dirs []string
	for i := 0; i < 10; i++ {
		u, _ := adminCase(t, "InstallerWaitSeconds=120\n")
		dirs = append(dirs, u)
	}
	for i := range dirs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i] = runIn(t, dirs[i], env)
		}(i)
	}
	wg.Wait()
	for i, r := range results {
		if r.status != 0 {
			t.Errorf("run %d: status %d %s", i, r.status, r.stderr)
		}
	}
	spans := readTrace(t, trace)
	if len(spans) != 10 {
		t.Fatalf("%d apply phases traced, want 10", len(spans))
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].enter < spans[j].enter })
	for i := 1; i < len(spans); i++ {
		if spans[i].enter < spans[i-1].end {
			t.Errorf("pid %s entered before pid %s left", spans[i].pid, spans[i-1].pid)
		}
	}
}

// With InstallerWaitSeconds=0 a run that finds the lock taken exits 1618
// naming the holder; a holder killed with SIGKILL never blocks the next run.
func TestBusyLockExits1618AndKilledHolderDoesNotBlock(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace")
	holderDir, _ := adminCase(t, "InstallerWaitSeconds=60\n")
	tmp := filepath.Join(filepath.Dir(holderDir), "tmp")
	os.MkdirAll(tmp, 0o755)
	holder := exec.Command(ohotfixBinary(t), "run", holderDir)
	holder.Env = append(os.Environ(), "TMPDIR="+tmp, "OHOTFIX_TEST_APPLY_TRACE="+trace, "OHOTFIX_TEST_APPLY_HOLD=30s")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Process.Kill()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if data, _ := os.ReadFile(trace); strings.Contains(string(data), "enter") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("holder never entered the apply phase")
		}
		time.Sleep(50 * time.Millisecond)
	}
	other, _ := adminCase(t, "InstallerWaitSeconds=0\n")
	r := runIn(t, other, nil)
	if r.status != wantStatus(1618) || !strings.Contains(r.stderr, strconv.Itoa(holder.Process.Pid)) {
		t.Errorf("busy: status %d stderr %q (holder pid %d)", r.status, r.stderr, holder.Process.Pid)
	}
	holder.Process.Signal(syscall.SIGKILL)
	holder.Wait()
	start := time.Now()
	r = runIn(t, other, nil)
	if r.status != 0 {
		t.Errorf("after the holder was killed: status %d %s", r.status, r.stderr)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("the next run took %s", time.Since(start))
	}
}

// editSummary rewrites a package's summary information in place.
func editSummary(t *testing.T, path string, edit func(*msi.SummaryInfo)) {
	t.Helper()
	db, err := msi.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	si, err := db.Summary()
	if err != nil {
		t.Fatal(err)
	}
	edit(si)
	db.SetSummary(si)
	if err := db.Commit(); err != nil {
		t.Fatal(err)
	}
}

// An out-of-range version in ohotfix.ini (each field is at most 65535) is
// refused by the ini check itself, with 1639, before the run starts: the
// only log is the early-failure record (no detection ran), no lock or
// recovery touched the image, and its bytes are unchanged.
func TestInvalidVersionStopsBeforeAnything(t *testing.T) {
	for _, ini := range []string{"MinMsiVersion=1.99999\n", "MinProductVersion=1.2.3.4.5\n", "MinMsiVersion=2.0-beta\n"} {
		updates, image := adminCase(t, ini)
		entries := func() []string {
			var names []string
			filepath.WalkDir(image, func(p string, d fs.DirEntry, err error) error {
				names = append(names, p)
				return nil
			})
			return names
		}
		before, beforeNames := treeHash(t, image), entries()
		r := runIn(t, updates, nil)
		if r.status != wantStatus(1639) || !strings.Contains(r.stderr, strings.SplitN(ini, "=", 2)[0]) {
			t.Errorf("%q: status %d (want %d), stderr %q", ini, r.status, wantStatus(1639), r.stderr)
		}
		if treeHash(t, image) != before || strings.Join(entries(), "\n") != strings.Join(beforeNames, "\n") {
			t.Errorf("%q: the image or its folder changed", ini)
		}
		logs, _ := filepath.Glob(filepath.Join(filepath.Dir(updates), "tmp", "OHotfix", "OHotfix(*).log"))
		for _, l := range logs {
			text, _ := os.ReadFile(l)
			if strings.Contains(string(text), "  detect  ") || !strings.Contains(string(text), "cannot start") {
				t.Errorf("%q: log %s shows the run started:\n%s", ini, l, text)
			}
		}
	}
}
