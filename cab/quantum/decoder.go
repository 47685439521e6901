package quantum

import (
	"fmt"
	"io"

	"github.com/ohotfix/ohotfix/cab/internal/frame"
)

const (
	minWindowBits = 10
	maxWindowBits = 21
	frameSize     = 32768
	maxMatch      = 254 + 5 // longest variable-length match
)

// Match position slots: base offset and extra bits (42 slots cover 2^21),
// and the length slots of variable-length matches (selector 6).
var (
	positionBase [42]uint32
	positionBits [42]uint8
	lengthBase   = [27]uint8{0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 18, 22, 26, 30, 38, 46, 54, 62, 78, 94, 110, 126, 158, 190, 222, 254}
	lengthBits   = [27]uint8{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
)

func init() {
	for i := range positionBase {
		if i >= 4 {
			positionBits[i] = uint8((i - 2) / 2)
		}
		if i > 0 {
			positionBase[i] = positionBase[i-1] + 1<<positionBits[i-1]
		}
	}
}

// decoder is the state of one folder's Quantum stream. The models and the
// window persist across frames; the arithmetic coder restarts every frame.
type decoder struct {
	in   input
	win  []byte
	mask int
	wpos int

	size     int64
	produced int64
	frame    []byte       // the current frame's output
	out      frame.Output // the part of frame not yet read
	started  bool

	h, l, c uint16

	selector model    // 7 symbols: 0-3 literal groups, 4-6 match kinds
	literal  [4]model // 64 literals each
	pos3     model    // offset slots of 3-byte matches
	pos4     model    // offset slots of 4-byte matches
	posVar   model    // offset slots of variable-length matches
	lenVar   model    // length slots of variable-length matches
}

// NewReader decodes the concatenated CFDATA payloads of a Quantum folder.
// Frame ends are found by skipping zero padding, which is best-effort for
// folders of more than one block; prefer NewBlockReader (package comment).
func NewReader(src io.Reader, windowBits int, size int64) (io.Reader, error) {
	d, err := newDecoder(windowBits, size)
	if err != nil {
		return nil, err
	}
	d.in.src = src
	d.in.buf = make([]byte, 32<<10)
	return d, nil
}

// NewBlockReader decodes a Quantum folder given block by block, which lets
// every frame start exactly at its block's first byte.
func NewBlockReader(src Blocks, windowBits int, size int64) (io.Reader, error) {
	d, err := newDecoder(windowBits, size)
	if err != nil {
		return nil, err
	}
	d.in.blocks = src
	return d, nil
}

func newDecoder(windowBits int, size int64) (*decoder, error) {
	if windowBits < minWindowBits || windowBits > maxWindowBits {
		return nil, fmt.Errorf("%w: window bits %d not in %d..%d", ErrParam, windowBits, minWindowBits, maxWindowBits)
	}
	if size < 0 {
		return nil, fmt.Errorf("%w: negative size %d", ErrParam, size)
	}
	d := &decoder{size: size}
	// Offsets never reach before the first byte, so a folder smaller than
	// the window only needs the next power of two above its size.
	wsize := 1 << windowBits
	for wsize > 1 && int64(wsize/2) >= size {
		wsize /= 2
	}
	d.win = make([]byte, wsize)
	d.mask = wsize - 1
	slots := 2 * windowBits
	d.selector.init(0, 7)
	for i := range d.literal {
		d.literal[i].init(64*i, 64)
	}
	d.pos3.init(0, min(slots, 24))
	d.pos4.init(0, min(slots, 36))
	d.posVar.init(0, slots)
	d.lenVar.init(0, 27)
	return d, nil
}

// Read delivers the output frame by frame (package frame).
func (d *decoder) Read(p []byte) (int, error) { return d.out.Read(p, d) }
func (d *decoder) Done() bool                 { return d.produced == d.size }

// symbol decodes one symbol with model m and adapts the model. The
// arithmetic is 16-bit as in the encoder; for corrupt input it may pick any
// symbol but always terminates.
func (d *decoder) symbol(m *model) int {
	h, l, c := uint32(d.h), uint32(d.l), uint32(d.c)
	total := uint32(m.cum[0])
	span := (h-l)&0xFFFF + 1
	target := ((c-l+1)*total - 1) / span & 0xFFFF
	i := 1
	for i < m.entries && uint32(m.cum[i]) > target {
		i++
	}
	sym := int(m.sym[i-1])
	span = h - l + 1
	h = l + uint32(m.cum[i-1])*span/total - 1
	l = l + uint32(m.cum[i])*span/total
	for j := i - 1; j >= 0; j-- {
		m.cum[j] += freqStep
	}
	if m.cum[0] > rescaleTotal {
		m.rescale()
	}
	hi, lo, code := uint16(h), uint16(l), uint16(c)
	in := &d.in
	bits, nbits := in.bits, in.nbits
	for {
		if lo&0x8000 != hi&0x8000 {
			if lo&0x4000 == 0 || hi&0x4000 != 0 {
				break
			}
			// underflow: the interval straddles the midpoint
			code ^= 0x4000
			lo &= 0x3FFF
			hi |= 0x4000
		}
		lo <<= 1
		hi = hi<<1 | 1
		if nbits == 0 {
			in.bits, in.nbits = bits, nbits
			in.refill()
			bits, nbits = in.bits, in.nbits
		}
		code = code<<1 | uint16(bits>>63)
		bits <<= 1
		nbits--
	}
	in.bits, in.nbits = bits, nbits
	d.h, d.l, d.c = hi, lo, code
	return sym
}

// DecodeFrame decodes the next (up to) 32 KiB frame. Whatever went wrong,
// if the decoder had consumed padding by then, the cause is the missing
// input.
func (d *decoder) DecodeFrame() error {
	err := d.decodeFrameData()
	if err != nil && err != errTruncated && d.in.pad*8 > int(d.in.nbits) {
		return d.inputError()
	}
	return err
}

func (d *decoder) inputError() error {
	if d.in.err != nil {
		return fmt.Errorf("quantum: reading compressed data: %w", d.in.err)
	}
	return errTruncated
}

func (d *decoder) decodeFrameData() error {
	if d.started || d.in.blocks != nil {
		if err := d.in.nextFrame(); err != nil {
			return err
		}
	}
	d.started = true
	if d.frame == nil {
		// Room for the folder's output plus a final match overshooting it.
		d.frame = make([]byte, min(frameSize, d.size+maxMatch))
	}
	want := int(min(frameSize, d.size-d.produced))
	d.h, d.l = 0xFFFF, 0
	d.c = uint16(d.in.readBits(16))
	out := d.frame
	win, mask, wpos := d.win, d.mask, d.wpos
	n := 0
	for n < want {
		sel := d.symbol(&d.selector)
		if sel < 4 {
			b := byte(d.symbol(&d.literal[sel]))
			win[wpos&mask] = b
			out[n] = b
			n++
			wpos++
			continue
		}
		var length int
		var slot int
		switch sel {
		case 4:
			slot = d.symbol(&d.pos3)
			length = 3
		case 5:
			slot = d.symbol(&d.pos4)
			length = 4
		case 6:
			ls := d.symbol(&d.lenVar)
			length = int(lengthBase[ls]) + int(d.in.readBits(uint(lengthBits[ls]))) + 5
			slot = d.symbol(&d.posVar)
		default:
			return corrupt("selector %d", sel)
		}
		off := int(positionBase[slot]) + int(d.in.readBits(uint(positionBits[slot]))) + 1
		if n+length > frameSize {
			return corrupt("match crosses the frame end")
		}
		if int64(off) > d.produced+int64(n) || off > len(win) {
			return corrupt("match offset %d out of range", off)
		}
		dst, src := wpos&mask, (wpos-off)&mask
		if off >= length && dst+length <= len(win) && src+length <= len(win) {
			// Neither end wraps, and with off >= length the source is not
			// made of bytes this match writes (memmove semantics suffice).
			copy(win[dst:dst+length], win[src:src+length])
			copy(out[n:n+length], win[dst:dst+length])
			n += length
			wpos += length
			continue
		}
		for i := 0; i < length; i++ {
			b := win[(wpos-off)&mask]
			win[wpos&mask] = b
			out[n] = b
			n++
			wpos++
		}
	}
	if d.in.consumedPastEnd() {
		return d.inputError()
	}
	d.wpos = wpos & mask
	d.produced += int64(want)
	d.out.Pending = out[:want]
	return nil
}
