package winetest

import (
	"bytes"
	"os"
	"path/filepath"
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

func TestHoldDesktopKeepsExplorerRunning(t *testing.T) {
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
	// The desktop process is there, and stays while the holder runs.
	time.Sleep(5 * time.Second)
	found := false
	for _, c := range prefixProcesses(p) {
		if bytes.Contains(bytes.ToLower([]byte(c)), []byte(`explorer.exe /desktop`)) {
			found = true
		}
	}
	if !found {
		t.Fatalf("no explorer.exe /desktop among the prefix's processes: %q", prefixProcesses(p))
	}
}
