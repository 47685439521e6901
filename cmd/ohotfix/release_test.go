package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

// A release build (no ohotfix_testhooks tag, as `make build` and
// `make build-windows` make it) carries no test hook: no OHOTFIX_TEST_*
// variable name is in the binary, for Linux or Windows. The test build is
// checked too, so the scan is known to find the names when they are there.
func TestReleaseBuildHasNoTestHooks(t *testing.T) {
	hook := regexp.MustCompile(`OHOTFIX_TEST_[A-Z_]+`)
	build := func(goos string, tags ...string) []byte {
		out := filepath.Join(t.TempDir(), "ohotfix-"+goos)
		args := append([]string{"build", "-trimpath"}, tags...)
		cmd := exec.Command("go", append(args, "-o", out, ".")...)
		cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64")
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build GOOS=%s %v: %v\n%s", goos, tags, err, msg)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, goos := range []string{"linux", "windows"} {
		if found := hook.FindAll(build(goos), -1); len(found) > 0 {
			t.Errorf("GOOS=%s release build contains test hooks: %s", goos, bytes.Join(found, []byte(", ")))
		}
	}
	if found := hook.FindAll(build("linux", "-tags", "ohotfix_testhooks"), -1); len(found) == 0 {
		t.Error("the ohotfix_testhooks build has no OHOTFIX_TEST_ names: the scan would miss them")
	}
}
