//go:build linux

package checks

import "golang.org/x/sys/unix"

// availBytes is the space statfs says the caller may use. Linux counts
// blocks in fragment-size units (f_frsize), which is what df uses; older
// kernels leave it 0 and mean f_bsize.
func availBytes(fs *unix.Statfs_t) uint64 {
	unit := uint64(fs.Frsize)
	if unit == 0 {
		unit = uint64(fs.Bsize)
	}
	return satMul(fs.Bavail, unit)
}
