package payload

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRerunParent(t *testing.T) {
	if got, _ := RerunParent("rel/dir"); !filepath.IsAbs(got) || !strings.HasSuffix(got, filepath.Join("rel", "dir")) {
		t.Errorf("override: %s", got)
	}
	if runtime.GOOS == "windows" {
		return
	}
	got, err := RerunParent("")
	switch {
	case os.Geteuid() == 0:
		if got != "/var/lib/ohotfix/rerun" {
			t.Errorf("root: %s", got)
		}
	default:
		t.Setenv("XDG_STATE_HOME", "/st")
		if got, _ = RerunParent(""); got != "/st/ohotfix/rerun" {
			t.Errorf("XDG_STATE_HOME: %s %v", got, err)
		}
	}
	if RerunName("/x/contoso-fix.exe") != "contoso-fix" || RerunName("fix") != "fix" || RerunName(`contoso.fix.bin`) != "contoso.fix" {
		t.Error("RerunName")
	}
}

func TestKeepForRerunReplacesAtomicallyAndFollowsNoLink(t *testing.T) {
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "ohotfix.ini"), []byte("v1"), 0o644)
	os.WriteFile(filepath.Join(src, "fix.msp"), []byte("patch"), 0o644)
	parent := filepath.Join(t.TempDir(), "rerun")
	dir, err := KeepForRerun(src, []string{"ohotfix.ini", "fix.msp"}, parent, "contoso-fix")
	if err != nil || dir != filepath.Join(parent, "contoso-fix") {
		t.Fatalf("%s %v", dir, err)
	}
	got := readDir(t, dir)
	if len(got) != 2 || string(got["ohotfix.ini"]) != "v1" || string(got["fix.msp"]) != "patch" {
		t.Errorf("kept %v", got)
	}
	// A second run replaces the copy whole: files of the old one go.
	os.WriteFile(filepath.Join(src, "ohotfix.ini"), []byte("v2"), 0o644)
	if _, err := KeepForRerun(src, []string{"ohotfix.ini"}, parent, "contoso-fix"); err != nil {
		t.Fatal(err)
	}
	got = readDir(t, dir)
	if len(got) != 1 || string(got["ohotfix.ini"]) != "v2" {
		t.Errorf("replaced copy %v", got)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("left beside it: %v", entries)
	}
	// A symbolic link planted as the folder (or a file in the source) is
	// not followed: its target stays untouched.
	victim := t.TempDir()
	os.WriteFile(filepath.Join(victim, "ohotfix.ini"), []byte("victim"), 0o644)
	os.RemoveAll(dir)
	if err := os.Symlink(victim, dir); err != nil {
		t.Skip("no symbolic links here")
	}
	if _, err := KeepForRerun(src, []string{"ohotfix.ini"}, parent, "contoso-fix"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(victim, "ohotfix.ini")); string(b) != "victim" {
		t.Error("wrote through a planted link")
	}
	if st, err := os.Lstat(dir); err != nil || !st.IsDir() {
		t.Errorf("the link was not replaced by a folder: %v", err)
	}
	os.Symlink(filepath.Join(victim, "ohotfix.ini"), filepath.Join(src, "evil.msp"))
	if _, err := KeepForRerun(src, []string{"evil.msp"}, parent, "contoso-fix"); err == nil {
		t.Error("copied a symbolic link's target")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "ohotfix.ini")); string(b) != "v2" {
		t.Error("a failed keep changed the previous copy")
	}
	for _, bad := range []string{"", "..", "a/b", ".hidden"} {
		if _, err := KeepForRerun(src, nil, parent, bad); err == nil {
			t.Errorf("name %q accepted", bad)
		}
	}
}

func TestKeepExtracted(t *testing.T) {
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "ohotfix.ini"), []byte("ini"), 0o644)
	os.WriteFile(filepath.Join(src, ManifestName), []byte("sums"), 0o644)
	os.Mkdir(filepath.Join(src, "sub"), 0o755) // not a payload file: not kept
	parent := filepath.Join(t.TempDir(), "p")
	dir, err := KeepExtracted(src, parent, filepath.Join("/some/where", "contoso-fix.exe"))
	if err != nil || dir != filepath.Join(parent, "contoso-fix") {
		t.Fatalf("%s %v", dir, err)
	}
	if got := readDir(t, dir); len(got) != 2 || string(got["ohotfix.ini"]) != "ini" {
		t.Errorf("kept %v", got)
	}
}
