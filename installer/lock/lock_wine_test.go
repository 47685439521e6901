//go:build linux

package lock

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/winetest"
)

// TestWindowsLockUnderWine runs testdata/wintool (this package built for
// Windows) in Wine, whose wineserver implements named mutexes, abandonment
// and LockFileEx like Windows does.
func TestWindowsLockUnderWine(t *testing.T) {
	exe, p := winetest.ExeInPrefix(t, "./testdata/wintool")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, stderr, exit, err := p.Run(ctx, exe, p.WinPath(dir))
	if err != nil || exit != 0 {
		t.Fatalf("wintool: exit %d, %v\nstdout:\n%s\nstderr:\n%s", exit, err, out, stderr)
	}
	t.Logf("wintool output:\n%s", out)
	line := regexp.MustCompile(`(?m)^(\S+) code=(\d+) pid=(\d+) holder="((?:[^"\\]|\\.)*)" tookover=(\d+) err=(.*)$`)
	steps := map[string][]string{}
	for _, m := range line.FindAllStringSubmatch(out, -1) {
		steps[m[1]] = m
	}
	expect := func(step string, code int) []string {
		t.Helper()
		m, ok := steps[step]
		if !ok {
			t.Fatalf("step %s missing from output:\n%s", step, out)
		}
		if got, _ := strconv.Atoi(m[2]); got != code {
			t.Fatalf("step %s: code %d, want %d (%s)", step, got, code, m[6])
		}
		return m
	}
	if m := expect("msibusy", 1618); !regexp.MustCompile(`Windows Installer .*_MSIExecute`).MatchString(m[4]) {
		t.Errorf("msibusy holder %q does not name Windows Installer", m[4])
	}
	expect("free", 0)
	if m := expect("busy", 1618); !regexp.MustCompile(`^pid ` + m[3] + ` `).MatchString(m[4]) {
		t.Errorf("busy holder %q does not name our pid %s", m[4], m[3])
	}
	expect("release", 0)
	if m := expect("again", 0); m[5] != "0" {
		t.Errorf("clean reacquire reported a takeover from %s", m[5])
	}
	child := regexp.MustCompile(`(?m)^child pid=(\d+)$`).FindStringSubmatch(out)
	if child == nil {
		t.Fatalf("no child pid in output")
	}
	if m := expect("abandoned", 0); m[5] != child[1] {
		t.Errorf("abandoned mutex: tookover=%s, want the dead holder's pid %s", m[5], child[1])
	}
	expect("file-free", 0)
	expect("file-busy", 1618)
}
