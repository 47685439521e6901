package safeopen

import (
	"bytes"
	"io"
)

// ReadFileLimited reads the whole regular file path, at most limit bytes;
// a longer file fails with a *TooLargeError after reading limit+1 bytes.
// The file's size is checked first, so a large file is refused without
// being read; /dev/zero and the like are refused by Open.
func ReadFileLimited(path string, limit int64) ([]byte, error) {
	f, size, err := OpenSized(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if size > limit {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	b, err := readLimited(f, limit, size)
	if err == errTooLarge {
		return nil, &TooLargeError{Path: path, Limit: limit}
	}
	return b, err
}

// ReadAllLimited reads r to its end, at most limit bytes; longer input
// fails with a *TooLargeError (Path empty) after reading limit+1 bytes.
func ReadAllLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := readLimited(r, limit, 512)
	if err == errTooLarge {
		return nil, &TooLargeError{Limit: limit}
	}
	return b, err
}

var errTooLarge = &TooLargeError{}

// readLimited reads r up to limit+1 bytes into a buffer sized by hint
// (the file's size when known: a file that grows is still cut at limit).
func readLimited(r io.Reader, limit, hint int64) ([]byte, error) {
	if limit < 0 {
		limit = 0
	}
	if hint < 0 || hint > limit {
		hint = limit
	}
	var buf bytes.Buffer
	buf.Grow(int(hint) + 1)
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if n > limit {
		return nil, errTooLarge
	}
	return buf.Bytes(), nil
}
