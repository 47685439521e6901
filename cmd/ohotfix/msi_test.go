package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/testcorpus"
	"github.com/ohotfix/ohotfix/internal/testtools"
)

// runMsi runs the app in process and returns stdout, stderr and the status.
func runMsi(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	st := run(append([]string{"ohotfix", "msi"}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), st
}

func peer(t *testing.T, name string, args ...string) string {
	t.Helper()
	testtools.LookPath(t, name)
	cmd := exec.Command(name, args...)
	cmd.Dir = t.TempDir() // msiinfo export drops binary cells in ./<Table>/
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

func sortedLines(s string) string {
	l := strings.Split(strings.ReplaceAll(strings.TrimRight(s, "\r\n"), "\r\n", "\n"), "\n")
	sort.Strings(l)
	return strings.Join(l, "\n")
}

func TestMsiCLIAgainstMsitools(t *testing.T) {
	tiny := testcorpus.Dir(t, "generated/tiny.msi")
	out, _, st := runMsi(t, "info", tiny)
	if st != 0 || out != peer(t, "msiinfo", "suminfo", tiny) {
		t.Errorf("info (status %d):\n%s", st, out)
	}
	out, _, st = runMsi(t, "tables", tiny)
	if st != 0 || sortedLines(out) != sortedLines(peer(t, "msiinfo", "tables", tiny)) {
		t.Errorf("tables (status %d):\n%s", st, out)
	}
	out, _, st = runMsi(t, "export", tiny, "File")
	if want := peer(t, "msiinfo", "export", tiny, "File"); st != 0 || sortedLines(out) != sortedLines(want) {
		t.Errorf("export File:\n%q\nwant\n%q", out, want)
	}
	out, _, st = runMsi(t, "streams", tiny)
	if st != 0 || sortedLines(out) != sortedLines(peer(t, "msiinfo", "streams", tiny)) {
		t.Errorf("streams:\n%s", out)
	}

	// dump equals msidump; build from that dump dumps back the same.
	ours, theirs := t.TempDir(), t.TempDir()
	if _, e, st := runMsi(t, "dump", tiny, "-d", ours, "--streams"); st != 0 {
		t.Fatalf("dump: %s", e)
	}
	peer(t, "msidump", "-d", theirs, tiny)
	idts, _ := filepath.Glob(filepath.Join(theirs, "*.idt"))
	if len(idts) != 30 {
		t.Fatalf("msidump wrote %d files", len(idts))
	}
	for _, f := range idts {
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join(ours, filepath.Base(f)))
		if err != nil || sortedLines(string(a)) != sortedLines(string(b)) {
			t.Errorf("%s differs from msidump", filepath.Base(f))
		}
	}
	if cab, err := os.ReadFile(filepath.Join(ours, "_Streams", "tiny.cab")); err != nil || !bytes.HasPrefix(cab, []byte("MSCF")) {
		t.Errorf("--streams did not write _Streams/tiny.cab: %v", err)
	}
	built := filepath.Join(t.TempDir(), "built.msi")
	args := []string{"build", "-o", built, "-a", "tiny.cab=" + filepath.Join(ours, "_Streams", "tiny.cab")}
	for _, f := range idts {
		if b := filepath.Base(f); b != "_SummaryInformation.idt" {
			args = append(args, "-i", filepath.Join(ours, b))
		}
	}
	args = append(args, filepath.Join(ours, "_SummaryInformation.idt"))
	if _, e, st := runMsi(t, args...); st != 0 {
		t.Fatalf("build: %s", e)
	}
	again := t.TempDir()
	peer(t, "msidump", "-d", again, built)
	for _, f := range idts {
		a, _ := os.ReadFile(f)
		b, err := os.ReadFile(filepath.Join(again, filepath.Base(f)))
		if err != nil || sortedLines(string(a)) != sortedLines(string(b)) {
			t.Errorf("msidump of our build: %s differs:\n%s\nvs\n%s", filepath.Base(f), a, b)
		}
	}
	if got := peer(t, "msiinfo", "extract", built, "tiny.cab"); !strings.HasPrefix(got, "MSCF") {
		t.Error("built database lacks the cabinet stream")
	}
}

func TestMsiCLIExitCodes(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.msi")
	os.WriteFile(bad, []byte(strings.Repeat("not a compound file ", 100)), 0o644)
	cases := []struct {
		args []string
		code exitcode.Code
	}{
		{[]string{"info", filepath.Join(t.TempDir(), "missing.msi")}, exitcode.PackageOpenFailed},
		{[]string{"tables", bad}, exitcode.PackageInvalid},
		{[]string{"dump", bad, "-d", t.TempDir()}, exitcode.PackageInvalid},
		{[]string{"info"}, exitcode.InvalidCommandLine},
	}
	for _, c := range cases {
		_, e, st := runMsi(t, c.args...)
		if st != c.code.Status() {
			t.Errorf("msi %v: status %d, want %d (%v); stderr %s", c.args, st, c.code.Status(), c.code, e)
		}
	}
}
