//go:build !unix

package admin

import "syscall"

// Windows: ERROR_HANDLE_DISK_FULL (39), ERROR_DISK_FULL (112); Go maps
// ENOSPC to nothing there, but an injected syscall.ENOSPC counts too.
func diskFullErrno(e syscall.Errno) bool { return e == 39 || e == 112 || e == syscall.ENOSPC }
