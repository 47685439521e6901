//go:build unix

package bootstrap

import (
	"os"
	"syscall"
)

// oNoFollow refuses to open a log through a symlink planted in a shared
// temp folder.
const oNoFollow = syscall.O_NOFOLLOW

// oNonBlock makes opening a FIFO that was swapped in for the log fail
// (ENXIO: no reader) instead of waiting for a reader forever.
const oNonBlock = syscall.O_NONBLOCK

func trustedDir(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() || fi.Mode()&os.ModeSymlink != 0 {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	return int(st.Uid) == os.Geteuid() && fi.Mode().Perm()&0o022 == 0
}
