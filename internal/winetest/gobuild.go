package winetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	goBuildMu    sync.Mutex
	goBuildCache = map[string]string{} // absolute package dir or import path -> built exe
)

// BuildWindowsExe cross-compiles the Go main package pkg (an import path, or a directory
// relative to the test's working directory such as "./testdata/hello") for windows/amd64 and
// returns the .exe's host path. Each package is built once per test binary run; the go build
// cache makes rebuilds in later runs cheap. Run the result with [Prefix.Run].
func BuildWindowsExe(t testing.TB, pkg string) string {
	t.Helper()
	key := pkg
	if filepath.IsAbs(pkg) || pkg == "." || pkg[0] == '.' {
		abs, err := filepath.Abs(pkg)
		if err != nil {
			t.Fatal(err)
		}
		key = abs
	}
	goBuildMu.Lock()
	defer goBuildMu.Unlock()
	if exe, ok := goBuildCache[key]; ok {
		if _, err := os.Stat(exe); err == nil {
			return exe
		}
	}
	goCmd, err := exec.LookPath("go") // `go test` puts its own GOROOT/bin first on PATH
	if err != nil {
		t.Fatalf("winetest: go command not found: %v", err)
	}
	root, err := cacheRoot()
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(key))
	dir := filepath.Join(root, "gobuild")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, filepath.Base(key)+"-"+hex.EncodeToString(sum[:6])+".exe")
	// Build to a private name, then rename: another test binary may be running the old copy.
	tmp := fmt.Sprintf("%s.tmp-%s", exe, randomSuffix())
	cmd := exec.Command(goCmd, "build", "-o", tmp, pkg)
	cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(tmp)
		t.Fatalf("winetest: GOOS=windows go build %s: %v\n%s", pkg, err, out)
	}
	if err := os.Rename(tmp, exe); err != nil {
		os.Remove(tmp)
		t.Fatal(err)
	}
	goBuildCache[key] = exe
	return exe
}

// ExeInPrefix is the start of a test that runs a Go program under Wine: it
// skips in -short mode, requires Wine ([Require]), builds pkg for Windows
// ([BuildWindowsExe]) and makes a fresh prefix ([NewPrefix]) to run it in.
func ExeInPrefix(t testing.TB, pkg string) (exe string, p *Prefix) {
	t.Helper()
	if testing.Short() {
		t.Skip("Wine test skipped in -short mode")
	}
	Require(t)
	return BuildWindowsExe(t, pkg), NewPrefix(t)
}
