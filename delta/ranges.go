package delta

import (
	"hash/crc32"
	"io"
	"slices"
)

// span is a half-open interval [start, end) of a file.
type span struct{ start, end int64 }

// zeroSpans merges ranges into sorted, disjoint spans (the union: that is
// how Windows zeroes overlapping ranges for its CRCs).
func zeroSpans(ranges []span) []span {
	s := slices.Clone(ranges)
	slices.SortFunc(s, func(a, b span) int { return int(min(max(a.start-b.start, -1), 1)) })
	var out []span
	for _, r := range s {
		if r.end <= r.start {
			continue
		}
		if n := len(out); n > 0 && r.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, r.end)
			continue
		}
		out = append(out, r)
	}
	return out
}

// oldSpans are the parts of old file f that are zero in its CRC and in the
// reference data: retain ranges, and ignore ranges when withIgnore.
func oldSpans(f *OldFile, withIgnore bool) []span {
	var s []span
	if withIgnore {
		for _, r := range f.Ignore {
			s = append(s, span{r.Offset, r.Offset + r.Length})
		}
	}
	for _, r := range f.Retain {
		s = append(s, span{r.OldOffset, r.OldOffset + r.Length})
	}
	return zeroSpans(s)
}

// newSpans are the retain ranges in the new file.
func newSpans(f *OldFile) []span {
	var s []span
	for _, r := range f.Retain {
		s = append(s, span{r.NewOffset, r.NewOffset + r.Length})
	}
	return zeroSpans(s)
}

// zeroedReader reads a file sequentially with the spans read as zeros.
type zeroedReader struct {
	r     io.ReaderAt
	pos   int64
	size  int64
	spans []span
}

func (z *zeroedReader) Read(p []byte) (int, error) {
	if z.pos >= z.size {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), z.size-z.pos)]
	n, err := z.r.ReadAt(p, z.pos)
	if n < len(p) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, err
	}
	zeroIn(p, z.pos, z.spans)
	z.pos += int64(n)
	return n, nil
}

// zeroIn clears the bytes of p (file bytes from offset at) inside spans.
func zeroIn(p []byte, at int64, spans []span) {
	end := at + int64(len(p))
	for _, s := range spans {
		if s.end <= at || s.start >= end {
			continue
		}
		clear(p[max(s.start, at)-at : min(s.end, end)-at])
	}
}

// crcOf returns the CRC-32 of the size bytes of r with the spans as zeros.
func crcOf(r io.ReaderAt, size int64, spans []span) (uint32, error) {
	z := &zeroedReader{r: r, size: size, spans: spans}
	h := crc32.NewIEEE()
	if _, err := io.CopyBuffer(h, z, make([]byte, 64<<10)); err != nil {
		return 0, err
	}
	return h.Sum32(), nil
}
