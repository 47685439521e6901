//go:build !linux

package admin

import (
	"errors"
	"os"
	"runtime"
	"syscall"
)

// syncFiles makes the staged files durable, one fsync per file.
func syncFiles(_ string, files []string) error {
	for _, p := range files {
		f, err := os.OpenFile(p, os.O_RDWR, 0)
		if err != nil {
			return err
		}
		err = f.Sync()
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func ignorableSyncError(err error) bool {
	return runtime.GOOS == "windows" || errors.Is(err, syscall.EINVAL) || errors.Is(err, os.ErrPermission)
}
