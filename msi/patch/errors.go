package patch

import (
	"errors"
	"fmt"
	"io/fs"
)

// InvalidError reports a patch that could be read but is not a valid
// Windows Installer patch (ERROR_PATCH_PACKAGE_INVALID, 1636): not a
// compound file, wrong root CLSID, malformed summary, tables or transforms.
// Errors from Open that are not InvalidError are I/O failures: the patch
// could not be opened at all (ERROR_PATCH_PACKAGE_OPEN_FAILED, 1635).
type InvalidError struct {
	Msg string
	Err error // underlying format error, if any
}

func (e *InvalidError) Error() string {
	if e.Err != nil {
		return "patch: " + e.Msg + ": " + e.Err.Error()
	}
	return "patch: " + e.Msg
}

func (e *InvalidError) Unwrap() error { return e.Err }

func invalid(err error, format string, args ...any) error {
	return &InvalidError{Msg: fmt.Sprintf(format, args...), Err: err}
}

// IsInvalid reports whether err says the patch is malformed (1636) rather
// than unreadable (1635).
func IsInvalid(err error) bool {
	var ie *InvalidError
	return errors.As(err, &ie)
}

// classify wraps everything but I/O failures as InvalidError.
func classify(err error, what string) error {
	if err == nil || IsInvalid(err) {
		return err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return invalid(err, "%s", what)
}
