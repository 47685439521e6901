package admin

import (
	"errors"
	"syscall"
)

// isDiskFull reports a write that failed for want of space (ENOSPC, EDQUOT;
// on Windows ERROR_DISK_FULL and ERROR_HANDLE_DISK_FULL).
func isDiskFull(err error) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	return diskFullErrno(errno)
}
