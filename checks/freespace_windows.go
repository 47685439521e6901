//go:build windows

package checks

import (
	"strings"

	"golang.org/x/sys/windows"
)

func volumeInfo(path string) (free uint64, id string, err error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return 0, "", err
	}
	var avail, total, totalFree uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &total, &totalFree); err != nil {
		return 0, "", err
	}
	// The volume mount point ("C:\" or a mounted-folder path) identifies the
	// volume; folders under one mount point share their free space.
	buf := make([]uint16, windows.MAX_PATH+1)
	if err := windows.GetVolumePathName(p, &buf[0], uint32(len(buf))); err != nil {
		return avail, "", nil
	}
	return avail, "vol:" + strings.ToUpper(windows.UTF16ToString(buf)), nil
}
