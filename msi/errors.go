package msi

import (
	"errors"
	"fmt"

	"github.com/ohotfix/ohotfix/msi/cfb"
)

// ErrNotFound is returned (wrapped) when a table, row, column or stream that
// was asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrReadOnly is returned by Commit on a database that was opened from a
// reader rather than from a path.
var ErrReadOnly = errors.New("database has no path to commit to")

// FormatError reports a structural problem in a database: What names the
// part (a stream, a table, a catalog row) and Msg says what is wrong with it.
// Open and the codecs return it for damaged or hostile input; callers map it
// to "package invalid" while I/O errors mean "package could not be opened".
type FormatError struct {
	What string
	Msg  string
}

func (e *FormatError) Error() string { return "msi: " + e.What + ": " + e.Msg }

func formatErr(what, format string, args ...any) error {
	return &FormatError{What: what, Msg: fmt.Sprintf(format, args...)}
}

// IsFormatError reports whether err (or an error it wraps) is a FormatError.
func IsFormatError(err error) bool {
	var fe *FormatError
	return errors.As(err, &fe)
}

// ValueError reports a value that does not fit its column (wrong kind, out of
// range, NULL in a non-nullable column, string too long for the pool...).
type ValueError struct {
	Table, Column string
	Msg           string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("msi: %s.%s: %s", e.Table, e.Column, e.Msg)
}

// IsInvalid reports whether err means the input is not a valid database
// (as opposed to an I/O failure): a FormatError or a compound-file format
// error.
func IsInvalid(err error) bool {
	return IsFormatError(err) || errors.Is(err, cfb.ErrFormat) || errors.Is(err, cfb.ErrCorrupt) || errors.Is(err, cfb.ErrInvalidTree)
}
