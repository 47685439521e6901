package cfb

import (
	"errors"
	"io"
	"sync"
)

// Reader gives access to the directory and streams of a compound file. It is
// safe for concurrent use if the underlying io.ReaderAt is.
type Reader struct {
	ra      io.ReaderAt
	size    int64
	version int
	shift   uint
	fat     sectorTable
	minifat sectorTable
	root    *Entry

	miniOnce sync.Once
	mini     *Stream // the root entry's stream that holds all small streams
	miniErr  error
}

// NewReader opens a compound file of the given size. It reads the header,
// the FAT (through the DIFAT), the mini FAT and the directory; stream
// contents are read only when a stream is opened and read.
func NewReader(ra io.ReaderAt, size int64) (*Reader, error) {
	if size < headerSize {
		return nil, formatErr("file is %d bytes, shorter than the %d-byte header", size, headerSize)
	}
	hb := make([]byte, headerSize)
	if n, err := ra.ReadAt(hb, 0); n < headerSize {
		return nil, readErr(err, "header")
	}
	h, err := parseHeader(hb)
	if err != nil {
		return nil, err
	}
	r := &Reader{ra: ra, size: size, version: h.version, shift: h.sectorShift}
	ss := int64(1) << r.shift
	// Sectors whose first byte lies inside the file. The header occupies
	// the first sector-sized slot (512 bytes padded to 4096 in v4).
	var nsect int64
	if size > ss {
		nsect = (size - ss + ss - 1) / ss
	}
	if nsect > int64(maxRegSect)+1 {
		nsect = int64(maxRegSect) + 1
	}
	if err := r.loadFAT(h, uint32(nsect)); err != nil {
		return nil, err
	}
	if err := r.loadDirectory(h); err != nil {
		return nil, err
	}
	if err := r.loadMiniFAT(h); err != nil {
		return nil, err
	}
	if err := r.checkSizes(); err != nil {
		return nil, err
	}
	return r, nil
}

// readErr turns an I/O error on a structure that must exist into a typed
// error: running off the end of the file means the file is truncated.
func readErr(err error, what string) error {
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return corruptErr("%s is cut off by the end of the file", what)
	}
	return err
}

// Version is 3 (512-byte sectors) or 4 (4096-byte sectors).
func (r *Reader) Version() int { return r.version }

// Root is the root storage; its Children are the top-level entries.
func (r *Reader) Root() *Entry { return r.root }

// loadFAT collects the FAT sector numbers from the header's 109 DIFAT slots
// and the DIFAT sector chain, then reads the FAT itself.
func (r *Reader) loadFAT(h *header, nsect uint32) error {
	if h.numFAT > nsect {
		return corruptErr("header declares %d FAT sectors but the file has only %d sectors", h.numFAT, nsect)
	}
	if h.numDIFAT > nsect {
		return corruptErr("header declares %d DIFAT sectors but the file has only %d sectors", h.numDIFAT, nsect)
	}
	fatSectors := make([]uint32, 0, h.numFAT)
	for _, s := range h.difat {
		if uint32(len(fatSectors)) == h.numFAT {
			break
		}
		fatSectors = append(fatSectors, s)
	}
	perDIFAT := (1 << r.shift) / 4
	next := h.firstDIFAT
	seen := map[uint32]bool{}
	for i := uint32(0); uint32(len(fatSectors)) < h.numFAT; i++ {
		if i >= h.numDIFAT || next == endOfChain || next == freeSect {
			return corruptErr("DIFAT lists %d of the %d FAT sectors the header declares", len(fatSectors), h.numFAT)
		}
		if next >= nsect {
			return corruptErr("DIFAT sector %d is out of range (%d sectors)", next, nsect)
		}
		if seen[next] {
			return corruptErr("DIFAT chain loops at sector %d", next)
		}
		seen[next] = true
		b, err := r.readSectors([]uint32{next}, 0xFF, "DIFAT sector")
		if err != nil {
			return err
		}
		vals := decodeUint32s(b)
		for _, s := range vals[:perDIFAT-1] {
			if uint32(len(fatSectors)) == h.numFAT {
				break
			}
			fatSectors = append(fatSectors, s)
		}
		next = vals[perDIFAT-1]
	}
	for i, s := range fatSectors {
		if s >= nsect {
			return corruptErr("FAT sector #%d is at sector %#x, out of range (%d sectors)", i, s, nsect)
		}
	}
	if dup, ok := findRepeat(fatSectors, nsect); ok {
		return corruptErr("DIFAT lists sector %d twice as a FAT sector", dup)
	}
	b, err := r.readSectors(fatSectors, 0xFF, "FAT")
	if err != nil {
		return err
	}
	r.fat = sectorTable{next: decodeUint32s(b), limit: nsect, kind: "FAT"}
	if uint32(len(r.fat.next)) < nsect {
		// Sectors not covered by the FAT cannot be part of any chain.
		r.fat.limit = uint32(len(r.fat.next))
	}
	return nil
}

// loadMiniFAT reads the mini FAT, whose length the header gives in sectors.
func (r *Reader) loadMiniFAT(h *header) error {
	miniSectors := (r.root.Size + miniSectorSize - 1) / miniSectorSize
	if h.numMiniFAT == 0 || h.firstMiniFAT == endOfChain {
		r.minifat = sectorTable{kind: "mini FAT"}
		return nil
	}
	list, err := r.fat.chain(h.firstMiniFAT, int64(h.numMiniFAT), "the mini FAT")
	if err != nil {
		return err
	}
	b, err := r.readSectors(list, 0xFF, "mini FAT")
	if err != nil {
		return err
	}
	next := decodeUint32s(b)
	limit := int64(len(next))
	if miniSectors < limit {
		limit = miniSectors
	}
	r.minifat = sectorTable{next: next, limit: uint32(limit), kind: "mini FAT"}
	return nil
}

// checkSizes bounds every stream by the file before anything is read: in a
// valid file no two streams share a sector, so the regular streams together
// fit in the file's sectors and the small ones in the mini stream. This
// makes ReadStream's allocation safe and caps the total work of reading
// every stream at the file size, even for a hostile directory.
func (r *Reader) checkSizes() error {
	ss := int64(1) << r.shift
	var big, small int64
	count := func(c *Entry) error {
		if c.IsStorage() {
			return nil
		}
		if c.Size < miniStreamCutoff {
			small += (c.Size + miniSectorSize - 1) / miniSectorSize
		} else {
			big += (c.Size + ss - 1) / ss
		}
		if big > int64(r.fat.limit) {
			return corruptErr("stream %q: sizes add up to more sectors than the file's %d", c.Name, r.fat.limit)
		}
		if small > int64(r.minifat.limit) {
			return corruptErr("stream %q: small stream sizes add up to more than the mini stream's %d sectors", c.Name, r.minifat.limit)
		}
		return nil
	}
	if r.root.Size > int64(r.fat.limit)*ss {
		return corruptErr("mini stream size %d exceeds the file", r.root.Size)
	}
	return r.root.walk(count)
}

// miniStream opens the root entry's stream once, on first use.
func (r *Reader) miniStream() (*Stream, error) {
	r.miniOnce.Do(func() {
		r.mini, r.miniErr = r.openRegular(r.root, "the mini stream")
	})
	return r.mini, r.miniErr
}

// OpenStream returns a reader over the stream e. It follows and checks the
// stream's sector chain (loops, out-of-range or missing sectors are
// ErrCorrupt); the bytes are read only through the returned Stream. In a
// truncated file (VBRuntime.msi in the corpus is one) the streams that lie
// wholly before the cut still open and read normally.
func (r *Reader) OpenStream(e *Entry) (*Stream, error) {
	if e == nil || e.Type != TypeStream {
		return nil, ErrNotStream
	}
	if e.Size < 0 {
		return nil, corruptErr("stream %q has negative size %d", e.Name, e.Size)
	}
	if e.Size >= miniStreamCutoff {
		return r.openRegular(e, "stream "+quote(e.Name))
	}
	mini, err := r.miniStream()
	if err != nil {
		return nil, err
	}
	list, err := r.minifat.chain(e.start, (e.Size+miniSectorSize-1)/miniSectorSize, "stream "+quote(e.Name))
	if err != nil {
		return nil, err
	}
	return &Stream{ra: mini, base: 0, shift: miniSectorShift, sectors: list, size: e.Size, name: e.Name}, nil
}

func (r *Reader) openRegular(e *Entry, what string) (*Stream, error) {
	ss := int64(1) << r.shift
	list, err := r.fat.chain(e.start, (e.Size+ss-1)/ss, what)
	if err != nil {
		return nil, err
	}
	return &Stream{ra: r.ra, base: ss, shift: r.shift, sectors: list, size: e.Size, name: e.Name}, nil
}

// ReadStream returns the whole content of stream e. The allocation is
// bounded: NewReader has already checked that the size fits in the file.
func (r *Reader) ReadStream(e *Entry) ([]byte, error) {
	s, err := r.OpenStream(e)
	if err != nil {
		return nil, err
	}
	buf := make([]byte, s.size)
	if _, err := s.ReadAt(buf, 0); err != nil && err != io.EOF {
		return nil, err
	}
	return buf, nil
}
