package winetest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// cacheEnv overrides where tools and template prefixes are cached (CI may point it at a
// directory it restores between runs).
const cacheEnv = "OHOTFIX_WINETEST_CACHE"

// cacheRoot returns the directory shared by all test binaries and runs for cached artefacts.
func cacheRoot() (string, error) {
	dir := os.Getenv(cacheEnv)
	if dir == "" {
		if base, err := os.UserCacheDir(); err == nil {
			dir = filepath.Join(base, "ohotfix-winetest")
		} else {
			dir = filepath.Join(os.TempDir(), fmt.Sprintf("ohotfix-winetest-%d", os.Getuid()))
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("winetest: cache directory: %w", err)
	}
	return dir, nil
}

var unsafeKeyChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// cacheKey turns free text such as "wine-8.0 (Debian 8.0~repack-4)" into a file-name-safe key.
func cacheKey(s string) string { return unsafeKeyChars.ReplaceAllString(s, "_") }

// buildCached returns dir/name, creating it with build when absent. Several test binaries run
// in parallel (go test ./...), so creation is serialised with a file lock and build writes to a
// temporary sibling that is renamed into place: readers never see a half-built file or prefix.
func buildCached(dir, name string, build func(tmp string) error) (string, error) {
	final := filepath.Join(dir, name)
	if _, err := os.Stat(final); err == nil {
		return final, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	lock := flock.New(filepath.Join(dir, "."+name+".lock"))
	if err := lock.Lock(); err != nil {
		return "", fmt.Errorf("winetest: lock %s: %w", lock.Path(), err)
	}
	defer lock.Unlock()
	if _, err := os.Stat(final); err == nil {
		return final, nil // another process built it while we waited
	}
	tmp := filepath.Join(dir, "."+name+".tmp-"+randomSuffix())
	if err := build(tmp); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	return final, nil
}

func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// staleAfter is how long an outdated cache entry is kept: long enough for a test binary built
// from an older checkout, still running, to finish with it.
const staleAfter = time.Hour

// pruneStale removes entries of root named prefix* other than keep that have not been modified
// for staleAfter. Templates are ~700 MB each, so outdated ones (older Wine, older shim) must
// not pile up.
func pruneStale(root, prefix, keep string) {
	entries, err := os.ReadDir(root)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == keep || !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
			os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
}
