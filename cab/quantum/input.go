package quantum

import "io"

// Blocks yields one folder's CFDATA payloads in order, one (spliced) block
// per call, and io.EOF after the last one. A returned slice must stay valid
// until the next call.
type Blocks interface {
	NextBlock() ([]byte, error)
}

// input is the MSB-first bit reader. Its bytes come in chunks: whole CFDATA
// payloads (block mode) or whatever src.Read returns (stream mode). Past the
// end of the available data it supplies zero bytes, counted in pad, so that
// the arithmetic decoder's lookahead never needs an error path; the frame
// code checks pad afterwards.
type input struct {
	chunk []byte
	pos   int
	pad   int
	bits  uint64 // next bits, left-aligned
	nbits uint

	blocks Blocks    // block mode
	src    io.Reader // stream mode
	buf    []byte
	eof    bool
	err    error // a read error other than io.EOF
}

// maxPad is the zero padding a frame may consume past its data: the coder's
// 16-bit lookahead plus the alignment of the last frame.
const maxPad = 4

func (in *input) refill() {
	for in.nbits <= 56 {
		if in.pos == len(in.chunk) && !in.nextChunk() {
			in.pad++
			in.nbits += 8 // zero byte
			continue
		}
		in.bits |= uint64(in.chunk[in.pos]) << (56 - in.nbits)
		in.pos++
		in.nbits += 8
	}
}

// nextChunk makes more bytes available in stream mode. Block mode never
// moves to the next block here: frames end at block ends.
func (in *input) nextChunk() bool {
	if in.src == nil || in.eof {
		return false
	}
	for empty := 0; ; {
		n, err := in.src.Read(in.buf)
		in.chunk, in.pos = in.buf[:n], 0
		if err != nil {
			in.eof = true
			if err != io.EOF {
				in.err = err
			}
		}
		if n > 0 || in.eof {
			return n > 0
		}
		if empty++; empty > 100 {
			in.eof, in.err = true, io.ErrNoProgress
			return false
		}
	}
}

// readBits consumes n (0..32) bits.
func (in *input) readBits(n uint) uint32 {
	if n == 0 {
		return 0
	}
	if in.nbits < n {
		in.refill()
	}
	v := uint32(in.bits >> (64 - n))
	in.bits <<= n
	in.nbits -= n
	return v
}

// nextFrame positions the input at the start of the next frame's data.
// Block mode simply takes the next block. Stream mode drops the bits up to
// the byte boundary and then up to 4 zero padding bytes.
func (in *input) nextFrame() error {
	if in.blocks != nil {
		b, err := in.blocks.NextBlock()
		if err == io.EOF {
			return errTruncated
		}
		if err != nil {
			return err
		}
		in.chunk, in.pos, in.pad, in.bits, in.nbits = b, 0, 0, 0, 0
		return nil
	}
	r := in.nbits & 7
	in.bits <<= r
	in.nbits -= r
	for i := 0; i < 4; i++ {
		if in.nbits < 8 {
			in.refill()
		}
		if in.bits>>56 != 0 {
			break
		}
		in.bits <<= 8
		in.nbits -= 8
	}
	return nil
}

// consumedPastEnd reports whether more zero padding was consumed than the
// coder's lookahead explains, i.e. the frame's data was cut short.
func (in *input) consumedPastEnd() bool {
	return in.pad*8-int(in.nbits) > maxPad*8
}
