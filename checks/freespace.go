package checks

import (
	"errors"
	"fmt"
)

// ErrNotSupported is returned by the measuring helpers on systems they do not
// know how to measure.
var ErrNotSupported = errors.New("not supported on this operating system")

// FreeSpace returns the bytes available to the calling user on the file
// system holding path (statfs on POSIX, GetDiskFreeSpaceEx on Windows).
func FreeSpace(path string) (uint64, error) {
	free, _, err := volumeInfo(path)
	if err != nil {
		return 0, fmt.Errorf("free space of %s: %w", path, err)
	}
	return free, nil
}

// MeasureVolume builds the Volume fact for one folder: its free space and an
// ID that is equal for folders on the same file system. A failed measurement
// is recorded in Err, which DiskSpace reports as a warning.
func MeasureVolume(role, path string) Volume {
	v := Volume{Role: role, Path: path}
	free, id, err := volumeInfo(path)
	if err != nil {
		v.Err = err.Error()
		return v
	}
	v.Free, v.ID = free, id
	return v
}
