package lzx

import (
	"errors"
	"fmt"
	"io"
)

var (
	// ErrCorrupt is wrapped by every error caused by malformed compressed data.
	ErrCorrupt = errors.New("lzx: corrupt data")
	// ErrParam reports an invalid window size or output size.
	ErrParam = errors.New("lzx: invalid parameter")
)

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}

// errTruncated is returned when the compressed data ends before the frame it
// must produce is complete.
var errTruncated = fmt.Errorf("%w: compressed data ends early: %w", ErrCorrupt, io.ErrUnexpectedEOF)
