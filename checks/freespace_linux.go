//go:build linux

package checks

import (
	"fmt"

	"golang.org/x/sys/unix"
)

func volumeInfo(path string) (free uint64, id string, err error) {
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil {
		return 0, "", err
	}
	// Linux counts blocks in fragment-size units (f_frsize), which is what
	// df uses; older kernels leave it 0 and mean f_bsize.
	unit := uint64(fs.Frsize)
	if unit == 0 {
		unit = uint64(fs.Bsize)
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, "", err
	}
	return satMul(fs.Bavail, unit), fmt.Sprintf("dev:%d", st.Dev), nil
}
