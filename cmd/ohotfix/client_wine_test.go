package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/internal/winetest"
	"github.com/ohotfix/ohotfix/msi"
)

// The client backend end to end: Wine's msiexec installs the wixl-built demo
// product v1, and ohotfix.exe — copied into a folder with ohotfix.ini and
// P.msp, as a patch folder is shipped — patches it through Wine's msi.dll.

// demoProductCode is the ProductCode of examples/demo/product.wxs.
const demoProductCode = "{5E1F0C3A-7D2B-4C11-9A0E-0DE0DE000001}"

// clientRig is one prefix with the demo product installed and an update
// folder C:\updates holding ohotfix.exe and P.msp.
type clientRig struct {
	p       *winetest.Prefix
	fx      demoFixture
	updates string // host path of C:\updates
	exe     string // host path of C:\updates\ohotfix.exe
	stdout  string // of the last run alone
	// display, when set, is the X display Windows programs must share:
	// every process of the session needs it, or user32 falls back to the
	// null driver.
	display string
}

func newClientRig(t *testing.T, msiPath string, props ...string) *clientRig {
	t.Helper()
	if testing.Short() {
		t.Skip("Wine test skipped in -short mode")
	}
	winetest.Require(t)
	fx := demoProduct(t)
	if msiPath == "" {
		msiPath = fx.v1
	}
	exe := winetest.BuildWindowsExe(t, ".")
	p := winetest.NewPrefix(t)
	if code, log, err := p.Msiexec(append([]string{"/i", p.WinPath(msiPath)}, props...)...); err != nil || code != 0 {
		t.Fatalf("msiexec /i v1: exit %d, %v\n%s", code, err, tail(log, 2000))
	}
	r := &clientRig{p: p, fx: fx, updates: p.Path(`C:\updates`)}
	os.MkdirAll(r.updates, 0o755)
	r.exe = filepath.Join(r.updates, "ohotfix.exe")
	copyFile(t, exe, r.exe)
	copyFile(t, fx.patch, filepath.Join(r.updates, "P.msp"))
	return r
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// run writes ohotfix.ini ([OHotfix] IsNormalUpdate=1 plus ini) and runs
// C:\updates\ohotfix.exe with args, as a double-click or a deployment tool
// would: its folder holds the ini.
func (r *clientRig) run(t *testing.T, ini string, args ...string) (stdout string, code int, took time.Duration) {
	t.Helper()
	text := "[OHotfix]\r\nIsNormalUpdate=1\r\n" + strings.ReplaceAll(ini, "\n", "\r\n")
	if err := os.WriteFile(filepath.Join(r.updates, "ohotfix.ini"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	start := time.Now()
	out, errOut, code, err := r.p.Run(ctx, `C:\updates\ohotfix.exe`, args...)
	if err != nil {
		t.Fatalf("ohotfix.exe %v: %v\n%s", args, err, errOut)
	}
	r.stdout = out
	return out + errOut, code, time.Since(start)
}

// installed is the installed product's files: relative path → SHA-256.
func (r *clientRig) installed(t *testing.T) map[string]string {
	t.Helper()
	dir := filepath.Join(r.p.ProgramFilesX86(), "Contoso Demo")
	out := map[string]string{}
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(path)
			rel, _ := filepath.Rel(dir, path)
			out[filepath.ToSlash(rel)] = fmt.Sprintf("%x", sha256.Sum256(data))
		}
		return nil
	})
	if len(out) == 0 {
		t.Fatalf("nothing installed in %s", dir)
	}
	return out
}

// sourceTree is what installing version v ("v1", "v2") puts down.
func (r *clientRig) sourceTree(v string) map[string]string {
	out := map[string]string{}
	for name, rel := range map[string]string{"application.txt": "application.txt", "engine.dat": "engine.dat",
		"readme.txt": "Documentation/readme.txt", "license.txt": "Documentation/license.txt"} {
		data, _ := os.ReadFile(filepath.Join(r.fx.dir, v, name))
		out[rel] = fmt.Sprintf("%x", sha256.Sum256(data))
	}
	return out
}

func sameTree(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// appliedPatches lists the demo product's patches as Windows Installer
// enumerates them (msiproducts: MsiEnumPatchesEx).
func (r *clientRig) appliedPatches(t *testing.T) []string {
	var out []string
	for _, pr := range r.p.Products(t) {
		if strings.EqualFold(pr.Code, demoProductCode) {
			for _, pa := range pr.Patches {
				out = append(out, strings.ToUpper(pa.Code))
			}
		}
	}
	return out
}

// latestLogPair is the highest-numbered OHotfix(NNNNN).log pair in the
// user's %TEMP%\OHotfix.
func (r *clientRig) latestLogPair(t *testing.T) (main, msiLog string) {
	t.Helper()
	var found []string
	for _, pat := range []string{"users/*/Temp/OHotfix/OHotfix(*).log", "users/*/AppData/Local/Temp/OHotfix/OHotfix(*).log"} {
		m, _ := filepath.Glob(filepath.Join(r.p.Dir(), "drive_c", pat))
		found = append(found, m...)
	}
	var mains []string
	for _, f := range found {
		if !strings.HasSuffix(f, "_Msi.log") {
			mains = append(mains, f)
		}
	}
	if len(mains) == 0 {
		t.Fatalf("no OHotfix(NNNNN).log in the user's temp folder")
	}
	sort.Strings(mains)
	main = mains[len(mains)-1]
	return main, strings.TrimSuffix(main, ".log") + "_Msi.log"
}

func TestClientPatchUnderWine(t *testing.T) {
	r := newClientRig(t, "")
	v1, v2 := r.sourceTree("v1"), r.sourceTree("v2")
	if !sameTree(r.installed(t), v1) {
		t.Fatalf("msiexec /i did not install v1's files")
	}
	patchCode := strings.ToUpper(bootstrap.ReadPatchInfo(r.fx.patch).PatchCode)

	// Detection through msi.dll: the product, its typed feature states.
	out, code, _ := r.run(t, "FeatureToCheck=Docs\n", "check", "--json")
	var plan struct {
		Inventory struct {
			Engine  string `json:"engine_version"`
			Targets []struct {
				Code     string `json:"product_code"`
				Version  string `json:"product_version"`
				Context  string `json:"context"`
				SID      string `json:"user_sid"`
				Package  string `json:"local_package"`
				Features []struct {
					Name      string `json:"name"`
					Installed bool   `json:"installed"`
					State     string `json:"state"`
				} `json:"features"`
			} `json:"targets"`
		} `json:"inventory"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil || code != 0 {
		t.Fatalf("check --json: exit %d, %v\n%s", code, err, out)
	}
	inv := plan.Inventory
	if inv.Engine != "4.5.6001" || len(inv.Targets) != 1 {
		t.Fatalf("inventory: %+v", inv)
	}
	tg := inv.Targets[0]
	// The demo package sets no ALLUSERS: msiexec /i installs it per user.
	if tg.Code != demoProductCode || tg.Version != "1.0.0" || tg.Context != "user-unmanaged" || !strings.HasPrefix(tg.SID, "S-1-5-") || !strings.HasPrefix(strings.ToLower(tg.Package), `c:\windows\installer\`) {
		t.Errorf("target: %+v", tg)
	}
	if got := fmt.Sprint(tg.Features); got != "[{Docs true local} {Main true local}]" {
		t.Errorf("features (MsiQueryFeatureStateW): %s", got)
	}

	// Refusals change nothing.
	out, code, _ = r.run(t, "MinProductVersion=1.0.5\n", "/q")
	if code != 1642 || !sameTree(r.installed(t), v1) || len(r.appliedPatches(t)) != 0 {
		t.Fatalf("MinProductVersion above v1: exit %d (want 1642, unchanged)\n%s", code, out)
	}
	out, code, _ = r.run(t, "MinMsiVersion=9.0\n", "/q")
	if code != 1613 || !sameTree(r.installed(t), v1) || len(r.appliedPatches(t)) != 0 {
		t.Fatalf("MinMsiVersion above msi.dll's: exit %d (want 1613, unchanged)\n%s", code, out)
	}

	out, code, _ = r.run(t, "", "/q")
	if code != 0 && code != 3010 {
		t.Fatalf("ohotfix.exe /q: exit %d\n%s", code, out)
	}
	if got := r.installed(t); !sameTree(got, v2) {
		t.Errorf("installed files are not v2's after the patch:\n got %v\nwant %v", got, v2)
	}
	if got := r.appliedPatches(t); len(got) != 1 || got[0] != patchCode {
		t.Errorf("MsiEnumPatchesEx lists %v, want [%s]", got, patchCode)
	}
	mainLog, msiLog := r.latestLogPair(t)
	mainText, _ := os.ReadFile(mainLog)
	if !strings.Contains(string(mainText), fmt.Sprintf("exit code %d", code)) {
		t.Errorf("%s does not end with the exit code:\n%s", mainLog, tail(string(mainText), 1500))
	}
	msiText, err := os.ReadFile(msiLog)
	if err != nil || !strings.Contains(decodeLogText(msiText), "MsiApplyMultiplePatchesW returned") {
		t.Errorf("%s: %v\n%s", msiLog, err, tail(string(msiText), 1500))
	}
	// Windows Installer's own log went into the pair's _Msi.log.
	for _, want := range []string{`Property(S): PATCH = C:\updates\P.msp`, "Property(S): REBOOT = ReallySuppress", "Return value 1"} {
		if !strings.Contains(decodeLogText(msiText), want) {
			t.Errorf("%s lacks Windows Installer's line %q", msiLog, want)
		}
	}

	// A second run finds the patch applied and changes nothing.
	before := modTimes(t, filepath.Join(r.p.ProgramFilesX86(), "Contoso Demo"))
	out, code, _ = r.run(t, "", "/q")
	if code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
	mainLog, _ = r.latestLogPair(t)
	mainText, _ = os.ReadFile(mainLog)
	if !strings.Contains(string(mainText), "already applied") || strings.Contains(string(mainText), "applying ") {
		t.Errorf("second run's log does not say already applied:\n%s", tail(string(mainText), 2000))
	}
	if after := modTimes(t, filepath.Join(r.p.ProgramFilesX86(), "Contoso Demo")); !sameTree(before, after) {
		t.Errorf("second run touched installed files: %v → %v", before, after)
	}
}

func modTimes(t *testing.T, dir string) map[string]string {
	out := map[string]string{}
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			out[path] = info.ModTime().String()
		}
		return nil
	})
	return out
}

// decodeLogText reads the _Msi.log, UTF-16 parts included.
func decodeLogText(b []byte) string { return strings.ReplaceAll(string(b), "\x00", "") }

// TestClientWaitsForMSIExecute: another installation (a helper owning
// Global\_MSIExecute, as Windows Installer does while it executes) makes
// ohotfix wait InstallerWaitSeconds and exit 1618 with nothing changed; one
// that ends during the wait lets the run proceed and patch.
func TestClientWaitsForMSIExecute(t *testing.T) {
	r := newClientRig(t, "", "ALLUSERS=1") // per machine: the other context
	v1, v2 := r.sourceTree("v1"), r.sourceTree("v2")
	if _, code, _ := r.run(t, "", "check", "--json"); code != 0 || !strings.Contains(r.stdout, `"context": "machine"`) {
		t.Fatalf("check: exit %d; the ALLUSERS=1 install is not seen per machine:\n%s", code, r.stdout)
	}

	release, done := r.holdMSIExecute(t, 120, "a")
	out, code, took := r.run(t, "InstallerWaitSeconds=3\n", "/q")
	release()
	<-done
	if code != 1618 || took < 3*time.Second || !sameTree(r.installed(t), v1) || len(r.appliedPatches(t)) != 0 {
		t.Fatalf("held past the wait: exit %d after %s (want 1618 after ≥3s, unchanged)\n%s", code, took, out)
	}
	mainLog, _ := r.latestLogPair(t)
	mainText, _ := os.ReadFile(mainLog)
	if !strings.Contains(string(mainText), "_MSIExecute") {
		t.Errorf("the log does not name what it waited for:\n%s", tail(string(mainText), 2000))
	}

	_, done = r.holdMSIExecute(t, 4, "b") // ends by itself during the wait
	out, code, took = r.run(t, "InstallerWaitSeconds=120\n", "/q")
	<-done
	if code != 0 && code != 3010 {
		t.Fatalf("released during the wait: exit %d after %s\n%s", code, took, out)
	}
	if took < 2*time.Second {
		t.Errorf("the run did not wait for the holder (took %s)", took)
	}
	if !sameTree(r.installed(t), v2) || len(r.appliedPatches(t)) != 1 {
		t.Errorf("released during the wait: not patched")
	}
}

// TestClientCheckNamesNestedInstall: a product whose package schedules a
// type-23 custom action (condition 0, so installing it works) is named by
// `ohotfix.exe check`, with the table, sequence and condition, even when a
// version gate refuses the patch.
func TestClientCheckNamesNestedInstall(t *testing.T) {
	fx := demoProduct(t)
	withCA := filepath.Join(t.TempDir(), "v1-nested.msi")
	addNestedInstall(t, fx.v1, withCA)
	r := newClientRig(t, withCA)

	out, code, _ := r.run(t, "MinProductVersion=1.0.5\n", "check", "--json")
	if code != 1642 {
		t.Fatalf("check: exit %d, want 1642\n%s", code, out)
	}
	var plan struct {
		Inventory struct {
			Targets []struct {
				Code   string `json:"product_code"`
				Nested []struct {
					Action, Table, Condition string
					Type, Sequence           int
				} `json:"nested_installs"`
			} `json:"targets"`
			Warnings []string `json:"warnings"`
		} `json:"inventory"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatalf("check --json: %v\n%s", err, out)
	}
	if len(plan.Inventory.Targets) != 1 || len(plan.Inventory.Targets[0].Nested) != 1 {
		t.Fatalf("targets: %+v", plan.Inventory.Targets)
	}
	ca := plan.Inventory.Targets[0].Nested[0]
	if ca.Action != "InstallRuntimeNested" || ca.Type != 23 || ca.Table != "InstallExecuteSequence" || ca.Sequence != 6550 || ca.Condition != "0" {
		t.Errorf("nested install: %+v", ca)
	}
	if w := strings.Join(plan.Inventory.Warnings, "\n"); !strings.Contains(w, "InstallRuntimeNested") || !strings.Contains(w, "KB 822454") {
		t.Errorf("warnings: %s", w)
	}
	// Plain `check` names it for a person too.
	if out, code, _ := r.run(t, "MinProductVersion=1.0.5\n", "check"); code != 1642 ||
		!strings.Contains(out, "custom action InstallRuntimeNested (type 23), InstallExecuteSequence at 6550") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	// A run logs the same warning before the gate refuses the patch.
	if _, code, _ := r.run(t, "MinProductVersion=1.0.5\n", "/q"); code != 1642 {
		t.Errorf("run: exit %d, want 1642", code)
	}
	mainLog, _ := r.latestLogPair(t)
	text, _ := os.ReadFile(mainLog)
	if !strings.Contains(string(text), "WARN") || !strings.Contains(string(text), "custom action InstallRuntimeNested (type 23") {
		t.Errorf("the run's log does not warn about the nested installation:\n%s", tail(string(text), 2000))
	}
}

// addNestedInstall copies the package at src to dst with a type-23 custom
// action (a nested installation of a package in the source tree) scheduled
// in InstallExecuteSequence with condition 0.
func addNestedInstall(t *testing.T, src, dst string) {
	t.Helper()
	copyFile(t, src, dst)
	db, err := msi.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ca, err := db.Table("CustomAction")
	if err != nil {
		ca, err = db.CreateTable("CustomAction", []msi.Column{
			{Name: "Action", Type: msi.StringType(72, false, true, false)},
			{Name: "Type", Type: msi.IntType(2, false, false)},
			{Name: "Source", Type: msi.StringType(72, true, false, false)},
			{Name: "Target", Type: msi.StringType(255, true, false, false)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	row := []any{"InstallRuntimeNested", 23, `runtime\runtime.msi`, "ACTION=INSTALL"}
	for len(row) < len(ca.Columns()) { // wixl adds ExtendedType
		row = append(row, nil)
	}
	if err := ca.Insert(row...); err != nil {
		t.Fatal(err)
	}
	seq, err := db.Table("InstallExecuteSequence")
	if err != nil {
		t.Fatal(err)
	}
	if err := seq.Insert("InstallRuntimeNested", "0", 6550); err != nil {
		t.Fatal(err)
	}
	if err := db.Commit(); err != nil {
		t.Fatal(err)
	}
}

// holdMSIExecute starts msiexecholder, which owns Global\_MSIExecute for
// seconds (or until release is called), and returns once it does; done is
// closed when the holder has ended.
func (r *clientRig) holdMSIExecute(t *testing.T, seconds int, tag string) (release func(), done chan struct{}) {
	t.Helper()
	holder := winetest.BuildWindowsExe(t, "./testdata/msiexecholder")
	ready := filepath.Join(r.updates, "ready-"+tag)
	rel := filepath.Join(r.updates, "release-"+tag)
	done = make(chan struct{})
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		args := []string{fmt.Sprint(seconds), r.p.WinPath(ready), r.p.WinPath(rel)}
		if r.display != "" {
			cmd := exec.CommandContext(ctx, "wine", append([]string{holder}, args...)...)
			cmd.Env = append(r.p.Env(), "DISPLAY="+r.display)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("msiexecholder: %v %s", err, out)
			}
			return
		}
		out, errOut, code, err := r.p.Run(ctx, holder, args...)
		if err != nil || code != 0 {
			t.Errorf("msiexecholder: exit %d %v %s %s", code, err, out, errOut)
		}
	}()
	for i := 0; ; i++ {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if i > 600 {
			t.Fatal("msiexecholder never took Global\\_MSIExecute")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return func() { os.WriteFile(rel, nil, 0o644) }, done
}
