//go:build darwin || freebsd || dragonfly

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
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, "", err
	}
	avail := int64(fs.Bavail) // signed on FreeBSD: negative when root's reserve is in use
	if avail < 0 {
		avail = 0
	}
	return satMul(uint64(avail), uint64(fs.Bsize)), fmt.Sprintf("dev:%d", st.Dev), nil
}
