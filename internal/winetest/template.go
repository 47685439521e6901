package winetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// templateLayout versions what a template contains beyond a booted prefix (today: the shim DLL
// in system32); bump it when that changes so stale cached templates are not reused.
const templateLayout = "v1"

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error

	// TemplateBuildTime is how long this process spent creating the template prefix with
	// wineboot (zero when a cached template was reused); tests log it.
	TemplateBuildTime time.Duration
)

// wineVersion returns `wine --version` (stdout only: Debian's wrapper may print a wine32 hint
// on stderr).
func wineVersion() (string, error) {
	out, err := exec.Command("wine", "--version").Output()
	if err != nil {
		return "", fmt.Errorf("winetest: wine --version: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// wineEnv is the environment for every Wine command against prefix: headless (no DISPLAY, so
// nothing can open a window), silent, and with mscoree/mshtml disabled so Wine never offers to
// download wine-mono or wine-gecko; winemenubuilder is disabled so no desktop files are written.
func wineEnv(prefix string) []string {
	env := make([]string, 0, len(os.Environ())+4)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "DISPLAY", "WAYLAND_DISPLAY", "WINEPREFIX", "WINEDEBUG", "WINEDLLOVERRIDES", "WINEARCH":
			continue
		}
		env = append(env, kv)
	}
	return append(env,
		"WINEPREFIX="+prefix,
		"WINEARCH=win64",
		"WINEDEBUG=-all",
		"WINEDLLOVERRIDES=mscoree,mshtml=;winemenubuilder.exe=d",
	)
}

// templatePrefix returns the cached, booted prefix that every test prefix is copied from,
// creating it (wineboot, shim DLL) on first use. The key includes the Wine version, because a
// prefix made by one Wine is "updated" (slowly) by another, and the shim DLL's hash, because
// the DLL lives inside it; editing the other C tools does not cost a new wineboot.
func templatePrefix() (string, error) {
	templateOnce.Do(func() {
		root, err := cacheRoot()
		if err != nil {
			templateErr = err
			return
		}
		ver, err := wineVersion()
		if err != nil {
			templateErr = err
			return
		}
		shim, err := toolPath("bcryptprimitives")
		if err != nil {
			templateErr = err
			return
		}
		shimBytes, err := os.ReadFile(shim)
		if err != nil {
			templateErr = err
			return
		}
		sum := sha256.Sum256(shimBytes)
		name := cacheKey(fmt.Sprintf("prefix-%s-%s-%s", ver, hex.EncodeToString(sum[:6]), templateLayout))
		templateDir, templateErr = buildCached(root, name, func(tmp string) error {
			start := time.Now()
			err := bootPrefix(tmp, shim)
			TemplateBuildTime = time.Since(start)
			if err == nil {
				pruneStale(root, "prefix-", name)
			}
			return err
		})
	})
	return templateDir, templateErr
}

// bootPrefix creates a fresh prefix in dir and installs the ProcessPrng shim into system32.
func bootPrefix(dir, shim string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	env := wineEnv(dir)
	for _, args := range [][]string{{"wineboot", "-i"}, {"wineserver", "-w"}} {
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("winetest: %s in %s: %w\n%s", strings.Join(args, " "), dir, err, out)
		}
	}
	sys32 := filepath.Join(dir, "drive_c", "windows", "system32")
	if _, err := os.Stat(filepath.Join(sys32, "kernel32.dll")); err != nil {
		return fmt.Errorf("winetest: wineboot left no usable prefix in %s: %w", dir, err)
	}
	return copyFile(shim, filepath.Join(sys32, "bcryptprimitives.dll"))
}

// copyFile copies src to dst, keeping the mode and modification time.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	st, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, st.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Chtimes(dst, st.ModTime(), st.ModTime())
}
