//go:build darwin || freebsd || dragonfly

package checks

import "golang.org/x/sys/unix"

// availBytes is the space statfs says the caller may use, in f_bsize blocks.
func availBytes(fs *unix.Statfs_t) uint64 {
	avail := int64(fs.Bavail) // signed on FreeBSD: negative when root's reserve is in use
	if avail < 0 {
		avail = 0
	}
	return satMul(uint64(avail), uint64(fs.Bsize))
}
