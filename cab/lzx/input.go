package lzx

import (
	"encoding/binary"
	"io"
)

// input buffers the compressed stream and holds the bit buffer.
//
// LZX packs bits MSB-first into 16-bit little-endian words. bits holds the
// next nbits stream bits left-aligned (the next bit is bit 63). Refills add
// whole 16-bit words, so nbits%16 is the number of bits left of the word
// being consumed, which is what the frame realignment discards.
//
// Past the end of the real data the refill supplies zero words and counts
// them in pad, so the decoding loops never test for the end of input; the
// frame and block boundaries check (consumedPastEnd) that none of that
// padding was actually consumed (only looked ahead at).
type input struct {
	src   io.Reader
	buf   []byte
	pos   int   // next byte of buf to load into the bit buffer
	end   int   // end of the valid bytes in buf
	eof   bool  // src is exhausted (or failed: see err)
	err   error // a read error other than io.EOF
	pad   int   // zero bytes supplied after the real data
	bits  uint64
	nbits uint
}

const (
	inputBufSize = 64 << 10
	keepBehind   = 8 // bytes kept before pos when compacting, so a bit buffer's worth can be unread
	maxPadBits   = 0 // valid streams end on a whole word, so consuming padding means truncation
)

func (in *input) init(src io.Reader) {
	in.src = src
	in.buf = make([]byte, inputBufSize)
}

// swapWords turns 8 big-endian-loaded bytes into four LZX 16-bit words in
// stream order: each word is little-endian on disk.
func swapWords(x uint64) uint64 {
	return (x&0xFF00FF00FF00FF00)>>8 | (x&0x00FF00FF00FF00FF)<<8
}

// refill tops the bit buffer up to at least 49 bits.
func (in *input) refill() {
	if in.nbits > 48 {
		return
	}
	if in.pos+8 <= in.end {
		x := swapWords(binary.BigEndian.Uint64(in.buf[in.pos:]))
		k := (64 - in.nbits) >> 4 // whole words that fit
		in.bits |= x >> (64 - 16*k) << (64 - 16*k - in.nbits)
		in.nbits += 16 * k
		in.pos += int(2 * k)
		return
	}
	in.refillSlow()
}

// refillSlow is the refill path near the end of the buffered data.
func (in *input) refillSlow() {
	if in.end-in.pos < 8 {
		in.fill()
	}
	for in.nbits <= 48 {
		var w uint64
		if in.end-in.pos >= 2 {
			w = uint64(in.buf[in.pos]) | uint64(in.buf[in.pos+1])<<8
			in.pos += 2
		} else {
			// Past the end, or a lone last byte: bit data comes in whole
			// words, so a lone byte can only be read as raw data (by an
			// uncompressed block) and is left in the buffer for that.
			in.pad += 2
		}
		in.bits |= w << (48 - in.nbits)
		in.nbits += 16
	}
}

// fill compacts the buffer and reads from src until 8 bytes are available
// or src is exhausted.
func (in *input) fill() {
	if in.eof {
		return
	}
	keep := min(in.pos, keepBehind)
	n := copy(in.buf, in.buf[in.pos-keep:in.end])
	in.pos, in.end = keep, n
	for empty := 0; in.end-in.pos < 8; {
		m, err := in.src.Read(in.buf[in.end:])
		in.end += m
		if err != nil {
			in.eof = true
			if err != io.EOF {
				in.err = err
			}
			return
		}
		if m == 0 {
			if empty++; empty > 100 {
				in.eof, in.err = true, io.ErrNoProgress
				return
			}
		}
	}
}

// consumedPastEnd reports whether more zero padding was consumed than the
// tolerated slack, i.e. the real data ended before the decoder was done.
func (in *input) consumedPastEnd() bool {
	return in.pad*8-int(in.nbits) > maxPadBits
}

// readBits consumes n (0..32) bits.
func (in *input) readBits(n uint) uint32 {
	if n == 0 {
		return 0
	}
	in.refill()
	v := uint32(in.bits >> (64 - n))
	in.bits <<= n
	in.nbits -= n
	return v
}

// decode consumes one symbol of t.
func (in *input) decode(t *huffTable) int {
	in.refill()
	e := t.table[in.bits>>(64-t.bits)]
	if e&entryLink != 0 {
		e = t.table[e>>16+uint32(in.bits<<t.bits>>(64-(e>>8&0x1F)))]
	}
	n := uint(e & entryLenMask)
	in.bits <<= n
	in.nbits -= n
	return int(e >> 16)
}

// alignFrame discards the rest of the 16-bit word being consumed.
func (in *input) alignFrame() {
	r := in.nbits & 15
	in.bits <<= r
	in.nbits -= r
}

// alignRaw moves to byte-oriented reading for an uncompressed block: it drops
// the rest of the current 16-bit word (a whole word if already aligned) and
// gives the buffered words back to the byte stream.
func (in *input) alignRaw() {
	if in.nbits&15 != 0 {
		in.alignFrame()
	} else {
		in.refill()
		in.bits <<= 16
		in.nbits -= 16
	}
	k := int(in.nbits / 8)
	v := min(k, in.pad) // padding words are the last ones loaded
	in.pad -= v
	in.pos -= k - v
	in.bits, in.nbits = 0, 0
}

// readRaw copies len(dst) bytes of byte-oriented data (the bit buffer must be
// empty). It reports false if the data ends early.
func (in *input) readRaw(dst []byte) bool {
	for len(dst) > 0 {
		if in.pos == in.end {
			if in.fill(); in.pos == in.end {
				return false
			}
		}
		n := copy(dst, in.buf[in.pos:in.end])
		in.pos += n
		dst = dst[n:]
	}
	return true
}
