package lzx

import (
	"encoding/binary"
	"fmt"
	"io"
)

// LZX DELTA (LZXD, Microsoft's open specification [MS-PATCH]) is CAB LZX
// with a few changes, which this file and the flag decoder.lzxd add to the
// same decoder:
//
//   - Reference data (the old file of a binary delta) sits in the window
//     before the output; matches may copy from it. Output starts at stream
//     position refSize.
//   - Windows of 2^17..2^25 bytes (position slots up to 290).
//   - A match length of 257 is followed by an escape giving lengths up to
//     33024 (a match still ends at its 32 KiB chunk's end).
//   - A match reaching before the start of the stream reads zeros.
//   - The stream is a sequence of chunks of 32 KiB output each, each chunk
//     preceded by its compressed size as a little-endian u16 (the chunk
//     sizes replace CAB's CFDATA headers); the pad byte of an odd-sized
//     uncompressed block belongs to the chunk the block ends in.
//   - E8 translation (when the stream asks for it) applies to the output
//     only, at positions counted from the output's first byte.

// longMatchEscape is one row of the extra-length escape, indexed by the
// next three bits.
type longMatchEscape struct {
	prefix, extra uint
	base          int
}

var longMatchEscapes = [8]longMatchEscape{
	{1, 8, 257}, {1, 8, 257}, {1, 8, 257}, {1, 8, 257},
	{2, 10, 513}, {2, 10, 513},
	{3, 12, 1537},
	{3, 15, 257},
}

// MaxDeltaMatch is the longest LZXD match (257 + 2^15 - 1).
const MaxDeltaMatch = 257 + 1<<15 - 1

// DeltaWindowBits returns the window size (as a power of two) and the
// number of position slots that an LZXD stream with refSize bytes of
// reference and size bytes of output uses: the smallest power of two, at
// least 2^17, holding the reference rounded up to 32 KiB plus the output,
// capped at 2^maxBits (23 for normal patches, 25 with LZX_LARGE). The
// window size is not stored in the stream; encoder and decoder derive it
// the same way.
func DeltaWindowBits(refSize, size int64, maxBits int) int {
	total := (refSize+frameSize-1)/frameSize*frameSize + size
	bits := minDeltaWindowBits
	for bits < maxBits && int64(1)<<bits < total {
		bits++
	}
	return bits
}

// NewDeltaReader returns a reader of the size bytes that the LZXD stream src
// decodes to, with the refSize bytes read from ref as the reference data
// before the output, in a window of 2^windowBits bytes (17..25; see
// DeltaWindowBits). src is the stream with its chunk-size fields.
//
// Errors are as for NewReader. Memory use is the part of the window the
// reference and output need (at most 2^windowBits bytes) plus about 100 KiB;
// the reference must fit in the window.
func NewDeltaReader(src io.Reader, windowBits int, ref io.Reader, refSize, size int64) (io.Reader, error) {
	if windowBits < minDeltaWindowBits || windowBits > maxDeltaWindowBits {
		return nil, fmt.Errorf("%w: LZXD window bits %d not in %d..%d", ErrParam, windowBits, minDeltaWindowBits, maxDeltaWindowBits)
	}
	wsize := int64(1) << windowBits
	if size < 0 || refSize < 0 || refSize > wsize {
		return nil, fmt.Errorf("%w: sizes %d (reference) and %d (output) for a %d-byte window", ErrParam, refSize, size, wsize)
	}
	d := &decoder{
		size:     size,
		history:  refSize,
		lzxd:     true,
		mainSyms: numChars + posSlots[windowBits]*8,
		r0:       1, r1: 1, r2: 1,
	}
	// The output starts on a 32 KiB boundary of the window so that frames
	// never straddle its end; the reference ends there. Window bytes before
	// the reference stay zero (and are never read: such matches read zeros
	// explicitly).
	start := (refSize + frameSize - 1) / frameSize * frameSize
	d.win = make([]byte, min(wsize, start+(size+frameSize-1)/frameSize*frameSize))
	if _, err := io.ReadFull(ref, d.win[start-refSize:start]); err != nil {
		return nil, fmt.Errorf("lzx: reading the reference data: %w", err)
	}
	d.wpos = int(start)
	d.in.init(&chunkReader{r: src})
	return d, nil
}

// copyBeforeStart copies a match that starts before the first byte of the
// stream (stream position pos, window position wpos): those bytes are zero,
// the rest is an ordinary copy.
func (d *decoder) copyBeforeStart(wpos, off, length, pos int) {
	n := len(d.win)
	for i := range length {
		if pos+i < off {
			d.win[wpos+i] = 0
			continue
		}
		src := (wpos + i - off) % n
		if src < 0 {
			src += n
		}
		d.win[wpos+i] = d.win[src]
	}
}

// chunkReader strips the u16 compressed-size field before each LZXD chunk,
// leaving the concatenated chunk data that the decoder reads like a CAB
// folder's CFDATA payloads. A size field cut short ends the data.
type chunkReader struct {
	r    io.Reader
	left int
	done bool
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for c.left == 0 {
		if c.done {
			return 0, io.EOF
		}
		var hdr [2]byte
		if _, err := io.ReadFull(c.r, hdr[:]); err != nil {
			c.done = true
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return 0, io.EOF
			}
			return 0, err
		}
		c.left = int(binary.LittleEndian.Uint16(hdr[:]))
	}
	n, err := c.r.Read(p[:min(len(p), c.left)])
	c.left -= n
	if err == io.EOF {
		c.done = true
		if n > 0 {
			err = nil
		}
	}
	return n, err
}
