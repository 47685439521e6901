package bootstrap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

// Admin mode without AdminPath: a terminal is asked for it (OHotfixUILevel=n);
// without a terminal, or in quiet mode, the run stops with 1639.
func TestAdminPathPrompt(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\nIsNormalUpdate=0\n"), 0o644)
	var out strings.Builder
	answer := func(a string) func(string) (string, error) {
		return func(q string) (string, error) { out.WriteString(q); return a, nil }
	}
	s, err := Prepare(Options{Dir: dir, Interactive: true, Ask: answer("/srv/img/pro11.msi")}, false)
	if err != nil {
		t.Fatal(err)
	}
	if s.Config.AdminPath != "/srv/img/pro11.msi" || !strings.Contains(out.String(), "administrative image") {
		t.Errorf("AdminPath %q, prompt %q", s.Config.AdminPath, out.String())
	}
	for _, o := range []Options{
		{Dir: dir, Interactive: true, Ask: answer("")},               // empty answer
		{Dir: dir, Interactive: false, Ask: answer("x")},             // no terminal
		{Dir: dir, Quiet: true, Interactive: true, Ask: answer("x")}, // quiet never asks
	} {
		if _, err := Prepare(o, false); exitcode.Of(err) != exitcode.InvalidCommandLine || !strings.Contains(err.Error(), "AdminPath") {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

func TestCommandLineOverridesIni(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\nRebootInQuietMode=0\nMsiUILevel=f\n"), 0o644)
	s, err := Prepare(Options{Dir: dir, Quiet: true, AdminPath: "img/x.msi", Set: []string{"RebootInQuietMode=1"}, ResultJSON: "r.json"}, false)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Config
	if !c.RebootInQuietMode || c.MsiUILevel != "n" || c.OHotfixUILevel != "q" || c.IsNormalUpdate ||
		c.AdminPath != mustAbs("img/x.msi") || c.ResultFile != mustAbs("r.json") || s.UI != UIQuiet {
		t.Errorf("%+v", c)
	}
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\nAdminPath=img\\x.msi\nResultFile=out/r.json\n"), 0o644)
	s, err = Prepare(Options{Dir: dir, IniBase: "/opt/patches"}, false)
	if err != nil || s.Config.AdminPath != filepath.Join("/opt/patches", `img\x.msi`) || s.Config.ResultFile != "/opt/patches/out/r.json" {
		t.Errorf("ini-relative paths: %v %q %q", err, s.Config.AdminPath, s.Config.ResultFile)
	}
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\nAdminPath=C:\\img\\x.msi\n"), 0o644)
	if s, err = Prepare(Options{Dir: dir}, false); err != nil || s.Config.AdminPath != `C:\img\x.msi` {
		t.Errorf("drive path: %v %q", err, s.Config.AdminPath)
	}
	if _, err := Prepare(Options{Dir: dir, Set: []string{"MinMsiVersion=abc"}}, false); exitcode.Of(err) != exitcode.InvalidCommandLine {
		t.Errorf("--set with a bad value: %v", err)
	}
}

func mustAbs(p string) string {
	a, _ := filepath.Abs(p)
	return a
}
