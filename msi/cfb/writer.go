package cfb

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// WriteOptions selects the file version: 3 (512-byte sectors, the default
// and what Windows Installer writes) or 4 (4096-byte sectors).
type WriteOptions struct {
	Version int
}

// Write writes the tree rooted at root as a complete compound file. The
// layout is planned first, so nothing is written for an invalid tree;
// errors from stream Sources or w can still leave a partial output, which is
// why WriteFile writes to a temporary file.
func Write(w io.Writer, root *Node, opt *WriteOptions) error {
	version := 3
	if opt != nil && opt.Version != 0 {
		version = opt.Version
	}
	if version != 3 && version != 4 {
		return treeErr("unsupported version %d (want 3 or 4)", version)
	}
	l, err := planLayout(root, version)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	sw := &sectorWriter{w: bw, ss: 1 << l.shift}
	steps := []func(*sectorWriter) error{
		l.writeHeader, l.writeFAT, l.writeDirectory, l.writeMiniFAT, l.writeMiniStream, l.writeBigStreams,
	}
	for _, step := range steps {
		if err := step(sw); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// sectorWriter tracks the output position so each structure can be padded
// to a sector boundary.
type sectorWriter struct {
	w   *bufio.Writer
	ss  int64
	pos int64
	buf [8]byte
}

func (s *sectorWriter) write(p []byte) error {
	n, err := s.w.Write(p)
	s.pos += int64(n)
	return err
}

func (s *sectorWriter) u32(v uint32) error {
	binary.LittleEndian.PutUint32(s.buf[:4], v)
	return s.write(s.buf[:4])
}

// padTo writes fill bytes up to the next multiple of unit.
func (s *sectorWriter) padTo(unit int64, fill byte) error {
	rem := s.pos % unit
	if rem == 0 {
		return nil
	}
	pad := make([]byte, unit-rem)
	if fill != 0 {
		for i := range pad {
			pad[i] = fill
		}
	}
	return s.write(pad)
}

func (l *layout) writeHeader(s *sectorWriter) error {
	h := make([]byte, headerSize)
	le := binary.LittleEndian
	copy(h, signature[:])
	le.PutUint16(h[0x18:], 0x003E)
	le.PutUint16(h[0x1A:], uint16(l.version))
	le.PutUint16(h[0x1C:], 0xFFFE)
	le.PutUint16(h[0x1E:], uint16(l.shift))
	le.PutUint16(h[0x20:], miniSectorShift)
	if l.version == 4 {
		le.PutUint32(h[0x28:], l.dirSectors) // v3 must leave this zero
	}
	le.PutUint32(h[0x2C:], l.numFAT)
	le.PutUint32(h[0x30:], l.dirStart)
	le.PutUint32(h[0x38:], miniStreamCutoff)
	le.PutUint32(h[0x3C:], endOfChain)
	if l.miniFATSecs > 0 {
		le.PutUint32(h[0x3C:], l.miniFATStart)
	}
	le.PutUint32(h[0x40:], l.miniFATSecs)
	le.PutUint32(h[0x44:], endOfChain)
	if l.numDIFAT > 0 {
		le.PutUint32(h[0x44:], l.numFAT) // DIFAT sectors follow the FAT
	}
	le.PutUint32(h[0x48:], l.numDIFAT)
	for i := 0; i < headerDIFATLen; i++ {
		v := freeSect
		if uint32(i) < l.numFAT {
			v = uint32(i) // FAT sectors are 0..numFAT-1
		}
		le.PutUint32(h[0x4C+4*i:], v)
	}
	if err := s.write(h); err != nil {
		return err
	}
	return s.padTo(s.ss, 0) // v4: the header fills a 4096-byte sector
}

// writeFAT writes the FAT followed by the DIFAT sectors. Every chain is
// contiguous, so the FAT is generated run by run rather than stored.
func (l *layout) writeFAT(s *sectorWriter) error {
	ss := s.ss
	emitRun := func(start uint32, count int64) error {
		for i := int64(0); i < count; i++ {
			next := start + uint32(i) + 1
			if i == count-1 {
				next = endOfChain
			}
			if err := s.u32(next); err != nil {
				return err
			}
		}
		return nil
	}
	for i := uint32(0); i < l.numFAT; i++ {
		if err := s.u32(fatSect); err != nil {
			return err
		}
	}
	for i := uint32(0); i < l.numDIFAT; i++ {
		if err := s.u32(difSect); err != nil {
			return err
		}
	}
	runs := []struct {
		start uint32
		count int64
	}{
		{l.dirStart, int64(l.dirSectors)},
		{l.miniFATStart, int64(l.miniFATSecs)},
		{l.miniStart, int64(l.miniSecs)},
	}
	for _, run := range runs {
		if err := emitRun(run.start, run.count); err != nil {
			return err
		}
	}
	for _, e := range l.bigStreams {
		if err := emitRun(e.start, ceilDiv(e.size, ss)); err != nil {
			return err
		}
	}
	if err := s.padTo(ss, 0xFF); err != nil { // unused entries are FREESECT
		return err
	}
	// DIFAT sectors list FAT sectors 109.. and chain to each other.
	perDIFAT := uint32(ss/4) - 1
	fatNo := uint32(headerDIFATLen)
	for d := uint32(0); d < l.numDIFAT; d++ {
		for k := uint32(0); k < perDIFAT; k++ {
			v := freeSect
			if fatNo < l.numFAT {
				v = fatNo
				fatNo++
			}
			if err := s.u32(v); err != nil {
				return err
			}
		}
		next := endOfChain
		if d+1 < l.numDIFAT {
			next = l.numFAT + d + 1
		}
		if err := s.u32(next); err != nil {
			return err
		}
	}
	return nil
}

func (l *layout) writeDirectory(s *sectorWriter) error {
	b := make([]byte, dirEntrySize)
	le := binary.LittleEndian
	for _, e := range l.entries {
		clear(b)
		for i, u := range e.units {
			le.PutUint16(b[2*i:], u)
		}
		le.PutUint16(b[0x40:], uint16(2*len(e.units)+2))
		b[0x42] = byte(e.typ)
		if e.black {
			b[0x43] = 1
		}
		le.PutUint32(b[0x44:], e.left)
		le.PutUint32(b[0x48:], e.right)
		le.PutUint32(b[0x4C:], e.child)
		copy(b[0x50:], e.node.CLSID[:])
		le.PutUint32(b[0x60:], e.node.StateBits)
		le.PutUint64(b[0x64:], toFiletime(e.node.Created))
		le.PutUint64(b[0x6C:], toFiletime(e.node.Modified))
		le.PutUint32(b[0x74:], e.start)
		le.PutUint64(b[0x78:], uint64(e.size))
		if err := s.write(b); err != nil {
			return err
		}
	}
	// Unused entries: empty name, type 0 and NOSTREAM links.
	clear(b)
	le.PutUint32(b[0x44:], noStream)
	le.PutUint32(b[0x48:], noStream)
	le.PutUint32(b[0x4C:], noStream)
	for s.pos%s.ss != 0 {
		if err := s.write(b); err != nil {
			return err
		}
	}
	return nil
}

func (l *layout) writeMiniFAT(s *sectorWriter) error {
	if l.miniFATSecs == 0 {
		return nil
	}
	for _, e := range l.entries {
		if !e.mini {
			continue
		}
		count := uint32(ceilDiv(e.size, miniSectorSize))
		for i := uint32(0); i < count; i++ {
			next := e.start + i + 1
			if i == count-1 {
				next = endOfChain
			}
			if err := s.u32(next); err != nil {
				return err
			}
		}
	}
	return s.padTo(s.ss, 0xFF)
}

func (l *layout) writeMiniStream(s *sectorWriter) error {
	if l.miniSecs == 0 {
		return nil
	}
	for _, e := range l.entries {
		if !e.mini {
			continue
		}
		if err := copyStream(s, e); err != nil {
			return err
		}
		if err := s.padTo(miniSectorSize, 0); err != nil {
			return err
		}
	}
	return s.padTo(s.ss, 0)
}

func (l *layout) writeBigStreams(s *sectorWriter) error {
	for _, e := range l.bigStreams {
		if err := copyStream(s, e); err != nil {
			return err
		}
		if err := s.padTo(s.ss, 0); err != nil {
			return err
		}
	}
	return nil
}

// copyStream writes exactly e.size bytes of the node's content; a Source
// that delivers fewer is an error, since the layout is already fixed.
func copyStream(s *sectorWriter, e *dirEntry) error {
	n := e.node
	if n.Source == nil {
		return s.write(n.Data)
	}
	got, err := io.Copy(s.w, io.NewSectionReader(n.Source, 0, e.size))
	s.pos += got
	if err != nil {
		return fmt.Errorf("cfb: copying stream %q: %w", n.Name, err)
	}
	if got != e.size {
		return treeErr("stream %q: Source gave %d bytes, Size is %d", n.Name, got, e.size)
	}
	return nil
}
