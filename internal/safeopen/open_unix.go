//go:build unix

package safeopen

import (
	"os"

	"golang.org/x/sys/unix"
)

// openNonBlocking opens path with O_NONBLOCK, so that a FIFO without a
// writer (or a device that would wait) returns at once instead of blocking
// in open(2); O_NOCTTY so that a terminal never becomes ours. The flag is
// cleared again on what turns out to be a regular file (it means nothing
// there, but reads should not see EAGAIN semantics on odd file systems).
func openNonBlocking(path string) (*os.File, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, &os.PathError{Op: "fstat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT == unix.S_IFREG {
		if err := unix.SetNonblock(fd, false); err != nil {
			unix.Close(fd)
			return nil, &os.PathError{Op: "fcntl", Path: path, Err: err}
		}
	}
	return os.NewFile(uintptr(fd), path), nil
}
