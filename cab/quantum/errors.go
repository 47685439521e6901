package quantum

import (
	"errors"
	"fmt"
	"io"
)

var (
	// ErrCorrupt is wrapped by every error caused by malformed compressed data.
	ErrCorrupt = errors.New("quantum: corrupt data")
	// ErrParam reports an invalid window size or output size.
	ErrParam = errors.New("quantum: invalid parameter")
)

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}

// errTruncated is returned when the compressed data of a frame ends before
// the frame is complete.
var errTruncated = fmt.Errorf("%w: compressed data ends early: %w", ErrCorrupt, io.ErrUnexpectedEOF)
