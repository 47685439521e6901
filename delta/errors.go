package delta

import (
	"errors"
	"fmt"
)

var (
	// ErrWrongFile: no old file of the delta has the size and CRC of the
	// file given (ERROR_PATCH_WRONG_FILE).
	ErrWrongFile = errors.New("delta: the old file is not one this delta was made from")
	// ErrCorrupt: the delta is damaged, truncated or inconsistent, or the
	// rebuilt file fails its CRC (ERROR_PATCH_CORRUPT).
	ErrCorrupt = errors.New("delta: corrupt delta")
	// ErrNotNecessary: asked to fail on an exact match (ApplyOptions.
	// FailIfExact) and the old file already is the new file
	// (ERROR_PATCH_NOT_NECESSARY).
	ErrNotNecessary = errors.New("delta: not necessary, the old file already is the new file")
	// ErrUnsupported: the delta uses something this package refuses: i386 PE
	// normalisation, interleaved streams, unknown option flags
	// (ERROR_PATCH_PACKAGE_UNSUPPORTED).
	ErrUnsupported = errors.New("delta: unsupported delta")
	// ErrHeaderOnly: the delta holds only its header (as the MSI
	// Patch.Header column), enough to check an old file, not to apply it.
	ErrHeaderOnly = errors.New("delta: the delta holds only its header")

	// ErrNotSmaller: Create's delta would not be smaller than the new file
	// (callers store the whole file instead).
	ErrNotSmaller = errors.New("delta: the delta is not smaller than the new file")
	// ErrTooLarge: the old and new files together exceed the largest LZX
	// window (32 MiB), or a size the format cannot hold.
	ErrTooLarge = errors.New("delta: files too large for a delta")
)

func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUnsupported}, args...)...)
}
