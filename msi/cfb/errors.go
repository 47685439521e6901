package cfb

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by this package wraps one of them, so
// callers can classify failures with errors.Is while the message still names
// the exact defect (which stream, which sector).
var (
	// ErrFormat: the input is not a compound file this package understands
	// (bad signature, unknown version, unsupported sector size).
	ErrFormat = errors.New("cfb: not a supported compound file")
	// ErrCorrupt: the input claims to be a compound file but its structures
	// are inconsistent (chain loops, sectors out of range, sizes beyond the file).
	ErrCorrupt = errors.New("cfb: corrupt compound file")
	// ErrInvalidTree: a Node tree given to Write cannot be stored
	// (bad or duplicate names, sizes that do not match, limits exceeded).
	ErrInvalidTree = errors.New("cfb: invalid tree")
	// ErrNotStream: OpenStream or ReadStream was called on a storage.
	ErrNotStream = errors.New("cfb: entry is not a stream")
)

// Error is the concrete error type: Kind is one of the sentinels above and
// Msg names the defect.
type Error struct {
	Kind error
	Msg  string
}

func (e *Error) Error() string { return "cfb: " + e.Msg }

// Unwrap lets errors.Is match the sentinel kind.
func (e *Error) Unwrap() error { return e.Kind }

func formatErr(format string, args ...any) error {
	return &Error{Kind: ErrFormat, Msg: fmt.Sprintf(format, args...)}
}

func corruptErr(format string, args ...any) error {
	return &Error{Kind: ErrCorrupt, Msg: fmt.Sprintf(format, args...)}
}

func treeErr(format string, args ...any) error {
	return &Error{Kind: ErrInvalidTree, Msg: fmt.Sprintf(format, args...)}
}
