package lzx

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/ohotfix/ohotfix/cab/internal/frame"
)

// decoder is the state of one folder's LZX stream.
type decoder struct {
	in   input
	win  []byte
	wpos int // window position of the next output byte

	size     int64 // total output wanted
	produced int64 // output of completed frames
	history  int64 // LZXD: reference bytes before the output (0 in CAB)
	lzxd     bool  // LZX DELTA rules (see delta.go)
	frame    int64 // index of the next frame
	out      frame.Output
	e8buf    []byte

	headerRead bool
	e8Size     int32 // E8 translation size; 0 = no translation
	mainSyms   int

	r0, r1, r2     int
	blockType      int
	blockRemaining int
	blockOddPad    bool // an odd-length uncompressed block ended: skip its pad byte

	mainLens  [maxMainSyms + lensSlack]uint8
	lenLens   [numLenSyms + lensSlack]uint8
	alignLens [numAlignSyms]uint8
	preLens   [numPreSyms]uint8
	mainT     huffTable
	lenT      huffTable
	alignT    huffTable
	preT      huffTable
	lenEmpty  bool
}

// NewReader returns a reader of the size bytes that LZX-compressed src
// decodes to, with a window of 2^windowBits bytes. See the package comment
// for the contract.
func NewReader(src io.Reader, windowBits int, size int64) (io.Reader, error) {
	if windowBits < minWindowBits || windowBits > maxWindowBits {
		return nil, fmt.Errorf("%w: window bits %d not in %d..%d", ErrParam, windowBits, minWindowBits, maxWindowBits)
	}
	if size < 0 {
		return nil, fmt.Errorf("%w: negative size %d", ErrParam, size)
	}
	d := &decoder{
		size:     size,
		mainSyms: numChars + posSlots[windowBits]*8,
		r0:       1, r1: 1, r2: 1,
	}
	// A folder never outputs more than its size, so a small folder does not
	// need the whole window (matches are checked against the bytes produced).
	wsize := int64(1) << windowBits
	d.win = make([]byte, min(wsize, (size+frameSize-1)/frameSize*frameSize))
	d.in.init(src)
	return d, nil
}

// Read and WriteTo deliver the output frame by frame (package frame).
func (d *decoder) Read(p []byte) (int, error)         { return d.out.Read(p, d) }
func (d *decoder) WriteTo(w io.Writer) (int64, error) { return d.out.WriteTo(w, d) }
func (d *decoder) Done() bool                         { return d.produced == d.size }

// DecodeFrame decodes the next (up to) 32 KiB frame into the window and
// points d.out.Pending at its E8-translated bytes. Whatever went wrong, if the
// decoder had run out of input by then, the cause is the missing input.
func (d *decoder) DecodeFrame() error {
	err := d.decodeFrameData()
	if err != nil && d.in.consumedPastEnd() {
		return d.inputError()
	}
	return err
}

func (d *decoder) decodeFrameData() error {
	n := int(min(frameSize, d.size-d.produced))
	if d.wpos == len(d.win) {
		d.wpos = 0
	}
	if !d.headerRead {
		d.headerRead = true
		if d.in.readBits(1) == 1 {
			hi := d.in.readBits(16)
			d.e8Size = int32(hi<<16 | d.in.readBits(16))
		}
	}
	start := d.wpos
	end := start + n
	for d.wpos < end {
		if d.blockRemaining == 0 {
			if err := d.readBlockHeader(); err != nil {
				return err
			}
			continue
		}
		runEnd := d.wpos + min(d.blockRemaining, end-d.wpos)
		before := d.wpos
		var err error
		if d.blockType == blockUncompressed {
			if !d.in.readRaw(d.win[d.wpos:runEnd]) {
				return d.inputError()
			}
			d.wpos = runEnd
			if d.lzxd && d.blockOddPad && d.blockRemaining == runEnd-before {
				// LZXD: the pad byte belongs to the chunk the block ends
				// in (the next chunk's size field follows it). A final
				// block may end the stream without it.
				d.blockOddPad = false
				var pad [1]byte
				if !d.in.readRaw(pad[:]) && d.produced+int64(d.wpos-start) < d.size {
					return d.inputError()
				}
			}
		} else {
			err = d.decodeRun(start, runEnd)
		}
		if err != nil {
			return err
		}
		d.blockRemaining -= d.wpos - before
	}
	d.in.alignFrame()
	if d.in.consumedPastEnd() {
		return d.inputError()
	}
	d.out.Pending = d.win[start:end]
	if d.e8Size != 0 && d.frame < e8MaxFrames && n > 10 {
		d.out.Pending = d.translateE8(d.out.Pending)
	}
	d.produced += int64(n)
	d.frame++
	return nil
}

// inputError explains why the data ran out: a read error or truncation.
func (d *decoder) inputError() error {
	if d.in.err != nil {
		return fmt.Errorf("lzx: reading compressed data: %w", d.in.err)
	}
	return errTruncated
}

// translateE8 undoes the encoder's x86 CALL translation on a copy of the
// frame: a 32-bit absolute target after each E8 byte becomes relative again.
// E8 bytes in the last 10 bytes of the frame are left alone.
func (d *decoder) translateE8(frame []byte) []byte {
	if d.e8buf == nil {
		d.e8buf = make([]byte, frameSize)
	}
	buf := d.e8buf[:len(frame)]
	copy(buf, frame)
	limit := len(buf) - 10
	base := int32(d.produced)
	size := d.e8Size
	for i := 0; i < limit; {
		j := bytes.IndexByte(buf[i:limit], 0xE8)
		if j < 0 {
			break
		}
		i += j
		cur := base + int32(i)
		abs := int32(binary.LittleEndian.Uint32(buf[i+1:]))
		if abs >= -cur && abs < size {
			rel := abs + size
			if abs >= 0 {
				rel = abs - cur
			}
			binary.LittleEndian.PutUint32(buf[i+1:], uint32(rel))
		}
		i += 5
	}
	return buf
}
