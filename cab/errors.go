package cab

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned for a bad cabinet matches ErrFormat
// with errors.Is, and also the more precise kind below, so that callers can
// ask either "is this cabinet broken?" or "why?".
var (
	// ErrFormat is the class of every "this is not a valid cabinet" error.
	ErrFormat = errors.New("cab: invalid cabinet")
	// ErrSignature: no MSCF signature where a cabinet should start.
	ErrSignature = errors.New("cab: not a cabinet (bad signature)")
	// ErrTruncated: the cabinet ends inside a header, a name or a data block.
	ErrTruncated = errors.New("cab: cabinet is truncated")
	// ErrChecksum: a CFDATA checksum does not match its block.
	ErrChecksum = errors.New("cab: data block checksum mismatch")
	// ErrDecompress: compressed data is corrupt (the decoder refused it).
	ErrDecompress = errors.New("cab: corrupt compressed data")
	// ErrUnsupported: a compression type this package cannot decode.
	ErrUnsupported = errors.New("cab: unsupported compression type")
	// ErrIncompleteSet: the data lives in a cabinet of the set that is missing.
	ErrIncompleteSet = errors.New("cab: cabinet set is incomplete")
	// ErrLimit: a value exceeds the format's limits (sizes, counts).
	ErrLimit = errors.New("cab: limit exceeded")
	// ErrSetMismatch: cabinets given as one set do not belong together.
	ErrSetMismatch = errors.New("cab: cabinets do not form a set")
	// ErrNotFound: Find found no cabinet in the data.
	ErrNotFound = errors.New("cab: no cabinet found")
	// ErrUnsafeName: a member name cannot be extracted safely.
	ErrUnsafeName = errors.New("cab: unsafe member name")
)

// Error is the concrete error type: Kind is one of the sentinels above, Err
// the underlying cause (an I/O error, a decoder error), Msg the detail.
type Error struct {
	Kind error
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	s := e.Kind.Error()
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes every cabinet-data error also match ErrFormat.
func (e *Error) Is(target error) bool {
	if target == e.Kind {
		return true
	}
	if target == ErrFormat {
		switch e.Kind {
		case ErrSignature, ErrTruncated, ErrChecksum, ErrDecompress,
			ErrUnsupported, ErrIncompleteSet, ErrLimit, ErrSetMismatch:
			return true
		}
	}
	return false
}

func newErr(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

func wrapErr(kind error, cause error, format string, args ...any) error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...), Err: cause}
}
