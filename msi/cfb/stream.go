package cfb

import (
	"errors"
	"io"
)

// Stream reads one stream's bytes by following its sector chain. ReadAt is
// safe for concurrent use; Read and Seek share a position and are not.
type Stream struct {
	ra      io.ReaderAt // the file, or the mini stream for small streams
	base    int64       // byte offset of sector 0 in ra
	shift   uint        // sector size as a shift
	sectors []uint32
	size    int64
	pos     int64
	name    string
}

// Size is the stream's length in bytes.
func (s *Stream) Size() int64 { return s.size }

// ReadAt reads from the stream at offset off, merging runs of consecutive
// sectors into single reads of the underlying file.
func (s *Stream) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("cfb: negative offset")
	}
	if off >= s.size {
		return 0, io.EOF
	}
	want := len(p)
	if int64(want) > s.size-off {
		want = int(s.size - off)
	}
	mask := int64(1)<<s.shift - 1
	done := 0
	for done < want {
		pos := off + int64(done)
		idx := int(pos >> s.shift)
		within := pos & mask
		runEnd := idx + 1
		for runEnd < len(s.sectors) && s.sectors[runEnd] == s.sectors[runEnd-1]+1 &&
			int64(runEnd-idx)<<s.shift-within < int64(want-done) {
			runEnd++
		}
		n := int64(runEnd-idx)<<s.shift - within
		if n > int64(want-done) {
			n = int64(want - done)
		}
		at := s.base + int64(s.sectors[idx])<<s.shift + within
		got, err := s.ra.ReadAt(p[done:done+int(n)], at)
		done += got
		if got < int(n) {
			if err == nil || errors.Is(err, io.EOF) {
				return done, corruptErr("stream %q is cut off by the end of the file at offset %d", s.name, pos+int64(got))
			}
			return done, err
		}
	}
	if want < len(p) {
		return done, io.EOF
	}
	return done, nil
}

// Read implements io.Reader.
func (s *Stream) Read(p []byte) (int, error) {
	if s.pos >= s.size {
		return 0, io.EOF
	}
	n, err := s.ReadAt(p, s.pos)
	s.pos += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// Seek implements io.Seeker.
func (s *Stream) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = s.pos + offset
	case io.SeekEnd:
		abs = s.size + offset
	default:
		return 0, errors.New("cfb: invalid whence")
	}
	if abs < 0 {
		return 0, errors.New("cfb: negative position")
	}
	s.pos = abs
	return abs, nil
}
