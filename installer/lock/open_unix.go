//go:build unix

package lock

import (
	"errors"
	"os"
	"syscall"
)

const noFollow = syscall.O_NOFOLLOW

// isSymlinkOpenError recognises open(O_NOFOLLOW) failing on a symlink: ELOOP
// on Linux and most systems, EMLINK on FreeBSD and DragonFly.
func isSymlinkOpenError(err error) bool {
	return errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK)
}

// openNoFollow opens path without following a symlink and without blocking
// (O_NONBLOCK: a FIFO planted at path must not hang the reader; callers check
// that what they opened is a regular file).
func openNoFollow(path string, flag int) (*os.File, error) {
	return os.OpenFile(path, flag|noFollow|syscall.O_NONBLOCK, 0)
}
