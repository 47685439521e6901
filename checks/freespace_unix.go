//go:build linux || darwin || freebsd || dragonfly

package checks

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// volumeInfo measures path with statfs (free bytes, see availBytes) and names
// its file system by the device number stat reports.
func volumeInfo(path string) (free uint64, id string, err error) {
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil {
		return 0, "", err
	}
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, "", err
	}
	return availBytes(&fs), fmt.Sprintf("dev:%d", st.Dev), nil
}
