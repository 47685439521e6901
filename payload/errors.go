package payload

import (
	"errors"
	"fmt"

	"github.com/ohotfix/ohotfix/exitcode"
)

// ErrInvalid is matched (errors.Is) by every error about a payload's bytes:
// a damaged trailer, cabinet or manifest, a hash that does not match.
// Such errors carry exitcode.PackageInvalid (1620).
var ErrInvalid = errors.New("invalid payload")

// InvalidError says what is wrong with the payload of File.
type InvalidError struct {
	File   string
	Reason string
}

func (e *InvalidError) Error() string {
	return fmt.Sprintf("%s: the attached payload is damaged: %s", e.File, e.Reason)
}

func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// invalid returns an InvalidError carrying exit code 1620.
func invalid(file, format string, args ...any) error {
	return exitcode.Wrap(exitcode.PackageInvalid, &InvalidError{File: file, Reason: fmt.Sprintf(format, args...)})
}

// peError is a PE file whose headers cannot be what they claim.
type peError string

func (e peError) Error() string { return "PE headers: " + string(e) }

func errBadPE(s string) error { return peError(s) }
