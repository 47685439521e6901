package lock

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/gofrs/flock"
)

// fileLocker is an advisory whole-file lock (flock(2) on POSIX, LockFileEx
// on Windows). The OS releases it when the holder's process ends.
type fileLocker struct {
	path string
	fl   *flock.Flock
}

// recordSuffix names the holder record beside a lock file. It is a separate
// file because Windows byte-range locks would stop waiters reading the lock
// file itself, and because it can be replaced atomically.
const recordSuffix = ".holder"

func newFileLocker(path string) *fileLocker {
	return &fileLocker{
		path: path,
		// Read-only is enough to flock on Linux/BSD/Windows and lets runs of
		// other users share the file; O_NOFOLLOW (where the OS has it) makes
		// open fail rather than follow a symlink planted at path.
		fl: flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDONLY|noFollow), flock.SetPermissions(0o644)),
	}
}

func (l *fileLocker) name() string       { return l.path }
func (l *fileLocker) recordPath() string { return l.path + recordSuffix }

func (l *fileLocker) tryLock() (bool, error) {
	if err := refuseSymlink(l.path); err != nil {
		return false, err
	}
	ok, err := l.fl.TryLock()
	if err != nil {
		if isSymlinkOpenError(err) {
			return false, fmt.Errorf("%s: %w", l.path, ErrSymlink)
		}
		return false, fmt.Errorf("lock %s: %w", l.path, err)
	}
	if !ok {
		return false, nil
	}
	// Between our open and our lock the file may have been replaced (an
	// administrator deleting a "stuck" lock file): then we locked an orphan
	// inode nobody else will ever open. Let go and try again.
	locked, err1 := l.fl.Stat()
	named, err2 := os.Lstat(l.path)
	if err1 != nil || err2 != nil || !os.SameFile(locked, named) {
		_ = l.fl.Unlock()
		return false, nil
	}
	return true, nil
}

func (l *fileLocker) unlock() error { return l.fl.Unlock() }

func (l *fileLocker) holder() Holder {
	h, ok := readRecord(l.recordPath())
	if ok && !h.Stale {
		return h
	}
	// No record yet (the holder is between locking and writing it), or a
	// stale one: ask the OS who holds the lock.
	if pid := flockHolderPID(l.path); pid > 0 {
		return Holder{PID: pid, Command: processCommand(pid), Note: "found in the OS lock table"}
	}
	if ok {
		return h
	}
	return Holder{Note: "an unknown process (no holder record)"}
}

// refuseSymlink rejects a symlink (or any non-regular file) at path before
// it is opened; noFollow covers the race where one is planted after.
func refuseSymlink(path string) error {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("lock %s: %w", path, err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("%s: %w", path, ErrSymlink)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("lock %s: not a regular file (%s)", path, fi.Mode().Type())
	}
	return nil
}
