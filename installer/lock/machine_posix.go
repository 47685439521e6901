//go:build !windows

package lock

import (
	"os"
	"path/filepath"
)

func machineLocker(opts Options) (locker, error) {
	dir := opts.Dir
	if dir == "" {
		dir = lockDir(os.Geteuid(), os.Getenv, isDir)
	}
	return newFileLocker(filepath.Join(dir, MachineLockName)), nil
}

// lockDir picks the system lock directory: /run/lock (or the older
// /var/lock) for root, where every root run meets; otherwise the user's
// runtime directory, falling back to the temp directory.
func lockDir(euid int, getenv func(string) string, isDir func(string) bool) string {
	if euid == 0 {
		for _, d := range []string{"/run/lock", "/var/lock"} {
			if isDir(d) {
				return d
			}
		}
	}
	if d := getenv("XDG_RUNTIME_DIR"); d != "" && filepath.IsAbs(d) && isDir(d) {
		return d
	}
	return os.TempDir()
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
