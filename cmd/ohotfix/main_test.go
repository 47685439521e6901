package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/e2efixture"
)

// ohotfixBinary builds the real binary once per test run (e2efixture's
// build, with the ohotfix_testhooks tag): end-to-end tests run it as users
// do.
func ohotfixBinary(t *testing.T) string {
	t.Helper()
	return e2efixture.Binary(t)
}

type runResult struct {
	stdout, stderr string
	status         int
}

func runBinary(t *testing.T, env []string, args ...string) runResult {
	t.Helper()
	return runExe(t, ohotfixBinary(t), env, args...)
}

// runExe runs exe (ohotfix, or a patch executable packed from it) with
// env added to this process's environment and no standard input.
func runExe(t *testing.T, exe string, env []string, args ...string) runResult {
	t.Helper()
	cmd := exec.Command(exe, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Env = append(os.Environ(), env...)
	err := cmd.Run()
	validateResultFiles(t, args) // every result the suite writes matches docs/result.schema.json
	status := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return runResult{out.String(), errb.String(), status}
}

func TestE2EHelpAndVersion(t *testing.T) {
	for _, arg := range []string{"/?", "/HELP", "--help", "-h"} {
		r := runBinary(t, nil, arg)
		if r.status != 0 || !strings.Contains(r.stdout, "ohotfix") || !strings.Contains(r.stdout, "/norestart") {
			t.Errorf("%s: status %d\n%s%s", arg, r.status, r.stdout, r.stderr)
		}
	}
	r := runBinary(t, nil, "version")
	if r.status != 0 || !strings.HasPrefix(r.stdout, "ohotfix ") {
		t.Errorf("version: %d %q", r.status, r.stdout)
	}
}

func TestE2EBadIniExits1639NamingKey(t *testing.T) {
	dir := t.TempDir()
	ini := filepath.Join(dir, "bad.ini")
	os.WriteFile(ini, []byte("[OHotfix]\nMinProductVersion=abc\n"), 0o644)
	for _, args := range [][]string{{"check", "--ini", ini}, {"check", "/ini:" + ini}, {"run", dir, "--ini", ini, "/q"}} {
		r := runBinary(t, []string{"TMPDIR=" + dir}, args...)
		if r.status != wantStatus(1639) || !strings.Contains(r.stderr, "MinProductVersion") || !strings.Contains(r.stderr, "1639") {
			t.Errorf("%q: status %d stderr %q", args, r.status, r.stderr)
		}
	}
}

// A run that cannot even start still leaves its evidence: the JSON result
// and a log pair whose last line has the full code.
func TestE2EEarlyFailureWritesResultAndLog(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\nOHotfixUILevel=x\n"), 0o644)
	res := filepath.Join(dir, "r.json")
	r := runBinary(t, []string{"TMPDIR=" + dir}, "run", dir, "/q", "/result-json:"+res)
	if r.status != wantStatus(1639) {
		t.Fatalf("status %d", r.status)
	}
	var doc struct {
		ExitCode int    `json:"exit_code"`
		Reason   string `json:"reason"`
		Logs     struct{ Main string }
	}
	data, _ := os.ReadFile(res)
	if err := json.Unmarshal(data, &doc); err != nil || doc.ExitCode != 1639 || !strings.Contains(doc.Reason, "OHotfixUILevel") {
		t.Fatalf("result %s (%v)", data, err)
	}
	logText, _ := os.ReadFile(doc.Logs.Main)
	if !strings.Contains(string(logText), "OHotfixUILevel") || !strings.Contains(string(logText), "exit code 1639") {
		t.Errorf("log %q", logText)
	}
}

func TestE2EUnknownSwitchAndFlag(t *testing.T) {
	for _, args := range [][]string{{"/nosuchswitch"}, {"run", "--no-such-flag"}, {"check", "/q:x"}, {"version", "--bogus"},
		{"cab", "create", "x"}, {"admin", "create", "v1.msi"}, {"msi", "apply", "a.msi", "t.mst"}, {"pack", "x"},
		{"patch", "create", "--target", "a.msi"}, {"/promptrestart", "/passive"}, {"--set", "nokeyvalue"}} {
		r := runBinary(t, nil, args...)
		if r.status != wantStatus(1639) || !strings.Contains(r.stderr, "1639") {
			t.Errorf("%q: status %d stderr %q", args, r.status, r.stderr)
		}
	}
}

// A client-mode run where Windows Installer does not exist ends with 1633,
// writes its log pair and its JSON result.
func TestE2EClientModeResultAndLogs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("client mode is served by msi.dll on Windows")
	}
	dir := t.TempDir()
	tmp := filepath.Join(dir, "tmp")
	os.Mkdir(tmp, 0o755)
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\nOHotfixUILevel=q\n"), 0o644)
	res := filepath.Join(dir, "out", "result.json")
	r := runBinary(t, []string{"TMPDIR=" + tmp}, "run", dir, "/result-json:"+res)
	if r.status != wantStatus(1633) {
		t.Fatalf("status %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	var doc struct {
		ExitCode int    `json:"exit_code"`
		Status   int    `json:"posix_status"`
		Mode     string `json:"mode"`
		Logs     struct{ Main, Msi string }
	}
	data, err := os.ReadFile(res)
	if err != nil || json.Unmarshal(data, &doc) != nil {
		t.Fatalf("result: %v %s", err, data)
	}
	if doc.ExitCode != 1633 || doc.Status != 97 || doc.Mode != "client" {
		t.Errorf("result %+v", doc)
	}
	if filepath.Base(doc.Logs.Main) != "OHotfix(00001).log" || filepath.Base(doc.Logs.Msi) != "OHotfix(00001)_Msi.log" {
		t.Errorf("logs %+v", doc.Logs)
	}
	logText, _ := os.ReadFile(doc.Logs.Main)
	lines := strings.Split(strings.TrimSpace(string(logText)), "\n")
	if !strings.Contains(lines[len(lines)-1], "exit code 1633") {
		t.Errorf("last log line %q", lines[len(lines)-1])
	}
}

func wantStatus(code int) int {
	if runtime.GOOS == "windows" {
		return code
	}
	return code & 0xff
}

// A patch executable carries ohotfix.ini and the .msp files; /extract:DIR
// and IExpress /c /t:DIR give them back byte for byte, and a plain run uses
// them as its folder.
func TestE2EPackedExecutable(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	os.Mkdir(src, 0o755)
	ini := []byte("[OHotfix]\nOHotfixUILevel=q\nCopyFilesToRerun=0\n")
	msp := bytes.Repeat([]byte("not really a patch "), 5000)
	os.WriteFile(filepath.Join(src, "ohotfix.ini"), ini, 0o644)
	os.WriteFile(filepath.Join(src, "a.msp"), msp, 0o644)
	os.WriteFile(filepath.Join(src, "readme.txt"), []byte("not packed"), 0o644)
	packed := filepath.Join(dir, "update.bin")
	if r := runBinary(t, nil, "pack", src, "-o", packed); r.status != 0 {
		t.Fatalf("pack: %d %s", r.status, r.stderr)
	}
	run := func(args ...string) runResult {
		cmd := exec.Command(packed, args...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		cmd.Env = append(os.Environ(), "TMPDIR="+dir)
		err := cmd.Run()
		st := 0
		if ee, ok := err.(*exec.ExitError); ok {
			st = ee.ExitCode()
		}
		return runResult{out.String(), errb.String(), st}
	}
	for _, args := range [][]string{{"/extract:" + filepath.Join(dir, "x1")}, {"/c", "/t:" + filepath.Join(dir, "x2")}, {"/extract", filepath.Join(dir, "x4")}} {
		if r := run(args...); r.status != 0 {
			t.Fatalf("%v: %d %s", args, r.status, r.stderr)
		}
	}
	for _, x := range []string{"x1", "x2", "x4"} {
		gotIni, _ := os.ReadFile(filepath.Join(dir, x, "ohotfix.ini"))
		gotMsp, _ := os.ReadFile(filepath.Join(dir, x, "a.msp"))
		if !bytes.Equal(gotIni, ini) || !bytes.Equal(gotMsp, msp) {
			t.Errorf("%s: payload differs", x)
		}
		if _, err := os.Stat(filepath.Join(dir, x, "readme.txt")); err == nil {
			t.Errorf("%s: readme.txt should not be packed", x)
		}
	}
	// A run from the payload sees a.msp (here: not a real patch → 1636, or
	// 1633 first where client mode is unsupported) and removes its temp copy.
	r := run("check")
	if !strings.Contains(r.stdout, "a.msp") {
		t.Errorf("check from payload: %q %q", r.stdout, r.stderr)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "ohotfix-payload-*"))
	if len(leftovers) != 0 {
		t.Errorf("payload copies left: %v", leftovers)
	}
	// An executable without payload refuses /extract with 1639.
	if r := runBinary(t, nil, "/extract:"+filepath.Join(dir, "x3")); r.status != wantStatus(1639) {
		t.Errorf("no payload: %d", r.status)
	}
}

// Even a command line that cannot be parsed (an unknown switch) leaves the
// JSON result it asked for, in each of the flag's forms.
func TestE2EUnknownSwitchStillWritesResult(t *testing.T) {
	dir := t.TempDir()
	for i, form := range []func(string) []string{
		func(p string) []string { return []string{"/result-json:" + p} },
		func(p string) []string { return []string{"--result-json", p} },
		func(p string) []string { return []string{"--result-json=" + p} },
		func(p string) []string { return []string{"/result-json", p} },
	} {
		res := filepath.Join(dir, fmt.Sprintf("r%d.json", i))
		r := runBinary(t, []string{"TMPDIR=" + dir}, append([]string{"run", dir, "/bogus"}, form(res)...)...)
		if r.status != wantStatus(1639) {
			t.Fatalf("status %d: %s", r.status, r.stderr)
		}
		var doc struct {
			ExitCode int    `json:"exit_code"`
			Reason   string `json:"reason"`
		}
		data, err := os.ReadFile(res)
		if err != nil || json.Unmarshal(data, &doc) != nil || doc.ExitCode != 1639 || !strings.Contains(doc.Reason, "/bogus") {
			t.Errorf("form %d: result %s (%v)", i, data, err)
		}
	}
}

// check with a bad ini writes the result it was asked for, and no log pair.
func TestE2ECheckBadIniWritesResult(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\nOHotfixUILevel=x\n"), 0o644)
	res := filepath.Join(dir, "r.json")
	r := runBinary(t, []string{"TMPDIR=" + dir}, "check", dir, "--result-json", res)
	if r.status != wantStatus(1639) {
		t.Fatalf("status %d", r.status)
	}
	data, _ := os.ReadFile(res)
	var doc struct {
		ExitCode int `json:"exit_code"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || doc.ExitCode != 1639 {
		t.Errorf("result %s (%v)", data, err)
	}
	if logs, _ := filepath.Glob(filepath.Join(dir, "OHotfix", "*.log")); len(logs) != 0 {
		t.Errorf("check wrote logs: %v", logs)
	}
}
