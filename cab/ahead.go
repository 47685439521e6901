package cab

import "io"

// aheadSize is the window of an aheadReader.
const aheadSize = 64 << 10

// aheadReader serves small ReadAt calls that move forward through r from
// one buffered window, so walking many small records (CFFILE entries,
// CFDATA headers) costs a read per 64 KiB instead of one or two per record.
type aheadReader struct {
	r     io.ReaderAt
	mem   []byte
	buf   []byte // r's bytes [start, start+len(buf))
	start int64
}

// reset points a at r, dropping the window but keeping its memory.
func (a *aheadReader) reset(r io.ReaderAt) {
	a.r, a.buf, a.start = r, nil, 0
}

func (a *aheadReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= a.start && off+int64(len(p)) <= a.start+int64(len(a.buf)) {
		return copy(p, a.buf[off-a.start:]), nil
	}
	if len(p) > aheadSize {
		return a.r.ReadAt(p, off)
	}
	if a.mem == nil {
		a.mem = make([]byte, aheadSize)
	}
	n, err := a.r.ReadAt(a.mem, off)
	a.buf, a.start = a.mem[:n], off
	if n >= len(p) {
		return copy(p, a.buf), nil
	}
	// n < len(mem): r reported why (io.ReaderAt's contract).
	return copy(p, a.buf), err
}
