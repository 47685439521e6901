package safeopen

import (
	"io/fs"
	"os"
)

// Check returns the FileInfo of the regular file path names (following
// symbolic links), or a *NotRegularError (in an *fs.PathError) for anything else, or the stat
// error. It never opens path, so it cannot block; use it for paths another
// component opens later (and prefer Open where the file is read here).
func Check(path string) (fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return fi, notRegular("open", path, fi.Mode())
	}
	return fi, nil
}

// Open opens the regular file path for reading. Anything else (FIFO,
// socket, device, directory) fails at once with a *NotRegularError, without
// blocking, even when path is replaced between the check and the open.
func Open(path string) (*os.File, error) {
	f, _, err := open(path)
	return f, err
}

// OpenSized is Open that also returns the file's size.
func OpenSized(path string) (*os.File, int64, error) {
	f, fi, err := open(path)
	if err != nil {
		return nil, 0, err
	}
	return f, fi.Size(), nil
}

// open is Open returning the open file's FileInfo too (its size is read
// from the same fstat that checked the handle's type).
func open(path string) (*os.File, fs.FileInfo, error) {
	if _, err := Check(path); err != nil {
		return nil, nil, err
	}
	f, err := openNonBlocking(path)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, notRegular("open", path, fi.Mode())
	}
	return f, fi, nil
}

// CheckTarget checks a path that is about to be created or replaced (a log,
// an output file): nothing there, or a regular file, is fine; anything else,
// a symbolic link included (path is not followed), is a *NotRegularError,
// since opening a FIFO or device for writing can block too and writing
// through a link writes somewhere else.
func CheckTarget(path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return err
	}
	if !fi.Mode().IsRegular() {
		return notRegular("create", path, fi.Mode())
	}
	return nil
}
