package winetest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// prefixProcesses lists the command lines of the host processes running in p's prefix.
func prefixProcesses(p *Prefix) []string {
	var out []string
	envs, _ := filepath.Glob("/proc/[0-9]*/environ")
	for _, e := range envs {
		env, err := os.ReadFile(e)
		if err != nil || !bytes.Contains(env, []byte("\x00WINEPREFIX="+p.Dir()+"\x00")) && !bytes.HasPrefix(env, []byte("WINEPREFIX="+p.Dir()+"\x00")) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join(filepath.Dir(e), "cmdline"))
		out = append(out, string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '})))
	}
	return out
}

// The holder keeps running, attached to the session's desktop, until the prefix stops. (Whether
// Wine's desktop process, explorer.exe /desktop, is among the processes too depends on how its
// start-up went on a loaded machine, so it is not asserted.)
func TestHoldDesktopKeepsHolderRunning(t *testing.T) {
	if testing.Short() {
		t.Skip("Wine test skipped in -short mode")
	}
	if _, err := os.Stat("/proc/self/environ"); err != nil {
		t.Skip("needs /proc to list the prefix's processes")
	}
	p := NewPrefix(t)
	if err := p.HoldDesktop(); err != nil {
		t.Fatal(err)
	}
	holding := func() bool {
		for _, c := range prefixProcesses(p) {
			if strings.Contains(strings.ToLower(c), "desktophold.exe") {
				return true
			}
		}
		return false
	}
	time.Sleep(3 * time.Second)
	if !holding() {
		t.Fatalf("desktophold.exe is not running 3 s after HoldDesktop: %q", prefixProcesses(p))
	}
	p.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for holding() {
		if time.Now().After(deadline) {
			t.Fatalf("desktophold.exe still runs after Stop: %q", prefixProcesses(p))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
