package admin

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// syncFiles makes the staged files durable. On Linux one syncfs(2) on the
// image's file system does it for all of them at once, far cheaper than one
// fsync per file when a patch delivers thousands.
func syncFiles(dir string, files []string) error {
	if len(files) <= 32 {
		// A few files: fsync each rather than flush the whole file system.
		for _, p := range files {
			if err := fsyncPath(p); err != nil {
				return err
			}
		}
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return unix.Syncfs(int(d.Fd()))
}

func ignorableSyncError(err error) bool { return errors.Is(err, syscall.EINVAL) }

func fsyncPath(p string) error {
	f, err := os.OpenFile(p, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
