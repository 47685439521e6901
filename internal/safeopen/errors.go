package safeopen

import (
	"errors"
	"fmt"
	"io/fs"
)

// ErrNotRegular is matched (errors.Is) by every *NotRegularError.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is matched (errors.Is) by every *TooLargeError.
var ErrTooLarge = errors.New("file too large")

// NotRegularError says that a path names something other than a regular
// file where one is expected. The functions of this package return it
// inside an *fs.PathError (Op "open" or "stat", the path), so that callers
// mapping path errors to "could not open" codes (1619, 1635) map it too.
type NotRegularError struct {
	Mode fs.FileMode // type bits of what was found
}

func (e *NotRegularError) Error() string {
	return "not a regular file: " + Kind(e.Mode)
}

func notRegular(op, path string, m fs.FileMode) error {
	return &fs.PathError{Op: op, Path: path, Err: &NotRegularError{Mode: m.Type()}}
}

func (e *NotRegularError) Is(target error) bool { return target == ErrNotRegular }

// TooLargeError reports input longer than the limit its reader allows.
type TooLargeError struct {
	Path  string // "" for a stream
	Limit int64
}

func (e *TooLargeError) Error() string {
	what := e.Path
	if what == "" {
		what = "the input"
	}
	return fmt.Sprintf("%s is larger than the limit of %s", what, formatBytes(e.Limit))
}

func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// Kind names a file type for messages: "a directory", "a FIFO (named pipe)" …
func Kind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m&fs.ModeDir != 0:
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	}
	return "not a regular file"
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
