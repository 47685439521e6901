//go:build unix

package admin

import "syscall"

func diskFullErrno(e syscall.Errno) bool { return e == syscall.ENOSPC || e == syscall.EDQUOT }
