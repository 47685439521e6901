package cab

import (
	"bufio"
	"encoding/binary"
	"io"
)

// blockReader walks the CFDATA blocks of a logical folder across its
// segments (cabinets), verifies checksums and splices blocks split between
// two cabinets, so that decoders see whole blocks.
type blockReader struct {
	fo     *Folder
	verify bool

	seg    int // current segment
	inSeg  int // blocks read from the current segment
	br     *bufio.Reader
	hdr    []byte
	buf    []byte // payload of the current block (spliced if split)
	blocks int    // whole blocks returned so far
}

func newBlockReader(fo *Folder, verify bool) *blockReader {
	return &blockReader{fo: fo, verify: verify, seg: -1, buf: make([]byte, 0, maxBlockInput)}
}

// openSegment positions the buffered reader at the first block of segment i.
func (b *blockReader) openSegment(i int) error {
	s := b.fo.segments[i]
	if s.offset > s.cab.size {
		return wrapErr(ErrTruncated, io.ErrUnexpectedEOF, "folder %d data at offset %d is beyond the end of the cabinet", b.fo.Index, s.offset)
	}
	sr := io.NewSectionReader(s.cab.r, s.offset, s.cab.size-s.offset)
	if b.br == nil {
		b.br = bufio.NewReaderSize(sr, 64<<10)
	} else {
		b.br.Reset(sr)
	}
	b.hdr = make([]byte, dataHeaderSize+s.cab.DataReserve)
	b.seg, b.inSeg = i, 0
	return nil
}

// next returns the next whole block's payload (valid until the next call)
// and its uncompressed size; io.EOF after the last block.
func (b *blockReader) next() ([]byte, int, error) {
	b.buf = b.buf[:0]
	for {
		if b.seg < 0 || b.inSeg >= b.fo.segments[b.seg].numBlocks {
			if b.seg+1 >= len(b.fo.segments) {
				if len(b.buf) > 0 || b.fo.endMissing {
					return nil, 0, newErr(ErrIncompleteSet, "folder %d continues in a cabinet that is not in the set", b.fo.Index)
				}
				return nil, 0, io.EOF
			}
			if err := b.openSegment(b.seg + 1); err != nil {
				return nil, 0, err
			}
			continue
		}
		cbUncomp, err := b.fragment()
		if err != nil {
			return nil, 0, err
		}
		b.inSeg++
		if cbUncomp == 0 {
			// A split block: the rest is the first block of the next
			// cabinet's part of this folder, which carries the real size.
			if b.inSeg != b.fo.segments[b.seg].numBlocks {
				return nil, 0, newErr(ErrFormat, "folder %d: empty data block %d", b.fo.Index, b.blocks)
			}
			continue
		}
		b.blocks++
		return b.buf, cbUncomp, nil
	}
}

// fragment reads one CFDATA and appends its payload to b.buf.
func (b *blockReader) fragment() (int, error) {
	if _, err := io.ReadFull(b.br, b.hdr); err != nil {
		return 0, b.readErr(err, "data block header")
	}
	sum := binary.LittleEndian.Uint32(b.hdr)
	cbData := binary.LittleEndian.Uint16(b.hdr[4:])
	cbUncomp := binary.LittleEndian.Uint16(b.hdr[6:])
	if cbUncomp > blockSize {
		return 0, newErr(ErrFormat, "folder %d block %d: %d uncompressed bytes", b.fo.Index, b.blocks, cbUncomp)
	}
	start := len(b.buf)
	if start+int(cbData) > maxBlockInput {
		return 0, newErr(ErrLimit, "folder %d block %d: %d compressed bytes", b.fo.Index, b.blocks, start+int(cbData))
	}
	b.buf = b.buf[:start+int(cbData)]
	payload := b.buf[start:]
	if _, err := io.ReadFull(b.br, payload); err != nil {
		return 0, b.readErr(err, "data block")
	}
	if b.verify && sum != 0 && blockChecksum(payload, cbData, cbUncomp) != sum {
		// Wine's FCI also sums the data reserve; accept that reading too.
		res := b.hdr[dataHeaderSize:]
		if len(res) == 0 || blockChecksumWithReserve(payload, res, cbData, cbUncomp) != sum {
			return 0, newErr(ErrChecksum, "folder %d block %d", b.fo.Index, b.blocks)
		}
	}
	return int(cbUncomp), nil
}

func (b *blockReader) readErr(err error, what string) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if err == io.ErrUnexpectedEOF {
		return wrapErr(ErrTruncated, err, "folder %d: %s %d", b.fo.Index, what, b.blocks)
	}
	return err // an I/O error of the underlying reader
}

// payloadReader presents the folder's block payloads as one byte stream,
// the input the LZX and Quantum decoders expect.
type payloadReader struct {
	b   *blockReader
	cur []byte
	err error
}

func (p *payloadReader) Read(out []byte) (int, error) {
	for len(p.cur) == 0 {
		if p.err != nil {
			return 0, p.err
		}
		p.cur, _, p.err = p.b.next()
	}
	n := copy(out, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}
