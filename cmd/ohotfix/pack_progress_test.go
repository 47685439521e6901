package main

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// On a terminal, extraction of a large payload shows a progress bar unless
// the run is quiet: /q, or OHotfixUILevel=q in the packaged ohotfix.ini.
// The terminal is util-linux's script(1).
func TestPackedProgressBarUnlessQuiet(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses script(1) for a terminal")
	}
	testtools.LookPath(t, "script")
	work := t.TempDir()
	big := make([]byte, 65<<20) // bars start at 64 MiB
	rand.Read(big)
	pkgs := map[string]string{}
	for name, ini := range map[string]string{"normal": "[OHotfix]\nOHotfixUILevel=n\n", "quiet": "[OHotfix]\nOHotfixUILevel=q\n"} {
		dir := filepath.Join(work, name)
		os.Mkdir(dir, 0o755)
		os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte(ini), 0o644)
		os.WriteFile(filepath.Join(dir, "big.msp"), big, 0o644)
		pkgs[name] = filepath.Join(work, name+"-fix")
		if r := runBinary(t, nil, "pack", dir, "-o", pkgs[name]); r.status != 0 {
			t.Fatalf("pack: %s", r.stderr)
		}
	}
	onTerminal := func(exe string, args ...string) string {
		cmdline := exe + " " + strings.Join(args, " ")
		out, err := exec.Command("script", "-qec", cmdline, "/dev/null").CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", cmdline, err, out)
		}
		return string(out)
	}
	cases := []struct {
		exe     string
		args    []string
		wantBar bool
	}{
		{pkgs["normal"], nil, true},
		{pkgs["normal"], []string{"/q"}, false},
		{pkgs["quiet"], nil, false},
		{pkgs["quiet"], []string{"/passive"}, true},
	}
	for i, c := range cases {
		x := filepath.Join(work, "x", string(rune('a'+i)))
		out := onTerminal(c.exe, append(c.args, "/extract:"+x)...)
		if got := strings.Contains(out, "extracting"); got != c.wantBar {
			t.Errorf("%s %v: progress bar %v, want %v:\n%q", filepath.Base(c.exe), c.args, got, c.wantBar, out)
		}
		if _, err := os.Stat(filepath.Join(x, "big.msp")); err != nil {
			t.Errorf("%s %v: %v", filepath.Base(c.exe), c.args, err)
		}
	}
}
