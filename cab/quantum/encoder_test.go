package quantum

// A small Quantum encoder, for tests only, so that the decoder is exercised
// on real data (every selector, model rescaling and re-sorting, windows down
// to 1 KiB that wrap inside a frame, many frames). Its output is checked
// against cabextract (libmspack) before this package's decoder reads it.
//
// The coder is the classic 16-bit arithmetic coder with underflow
// ("pending") bits that the decoder inverts; the models are the decoder's
// own model type, updated the same way after every symbol.

import (
	"sort"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// The decoder reads one sequential bit stream: 16 bits into its code
// register, then for each symbol the bits its renormalisation shifts in,
// followed by that symbol's raw extra bits. The arithmetic code bits are only
// known well after the symbol that needs them is coded, so the encoder keeps
// the code bits and the per-symbol (shift count, raw bits) events apart and
// interleaves them when the frame ends.
type qEvent struct {
	shifts int
	raw    uint32
	nraw   uint
}

type qEncoder struct {
	code    []byte // arithmetic code bits, one per byte
	events  []qEvent
	low     uint32
	high    uint32
	pending int
}

func (e *qEncoder) startFrame() {
	e.low, e.high, e.pending = 0, 0xFFFF, 0
	e.code, e.events = e.code[:0], e.events[:0]
}

func (e *qEncoder) emit(b byte) {
	e.code = append(e.code, b)
	for ; e.pending > 0; e.pending-- {
		e.code = append(e.code, 1-b)
	}
}

// symbol codes sym with model m (adapting it like the decoder does).
func (e *qEncoder) symbol(m *model, sym int) {
	j := 0
	for int(m.sym[j]) != sym {
		j++
	}
	total := uint32(m.cum[0])
	span := e.high - e.low + 1
	e.high = e.low + uint32(m.cum[j])*span/total - 1
	e.low = e.low + uint32(m.cum[j+1])*span/total
	for k := j; k >= 0; k-- {
		m.cum[k] += freqStep
	}
	if m.cum[0] > rescaleTotal {
		m.rescale()
	}
	shifts := 0
	for ; ; shifts++ {
		switch {
		case e.high < 0x8000:
			e.emit(0)
		case e.low >= 0x8000:
			e.emit(1)
			e.low -= 0x8000
			e.high -= 0x8000
		case e.low >= 0x4000 && e.high < 0xC000:
			e.pending++
			e.low -= 0x4000
			e.high -= 0x4000
		default:
			e.events = append(e.events, qEvent{shifts: shifts})
			return
		}
		e.low <<= 1
		e.high = e.high<<1 | 1
	}
}

// raw attaches n extra bits to the last symbol.
func (e *qEncoder) raw(v uint32, n uint) {
	ev := &e.events[len(e.events)-1]
	ev.raw, ev.nraw = v, n
}

// endFrame flushes the coder and returns the frame's bytes.
func (e *qEncoder) endFrame() []byte {
	e.pending++
	if e.low < 0x4000 {
		e.emit(0)
	} else {
		e.emit(1)
	}
	need := 16
	for _, ev := range e.events {
		need += ev.shifts
	}
	for len(e.code) < need {
		e.code = append(e.code, 0) // what the decoder's lookahead reads last
	}
	var out []byte
	var acc byte
	var n uint
	put := func(b byte) {
		acc = acc<<1 | b
		if n++; n == 8 {
			out = append(out, acc)
			acc, n = 0, 0
		}
	}
	pos := 16
	for _, b := range e.code[:16] {
		put(b)
	}
	for _, ev := range e.events {
		for _, b := range e.code[pos : pos+ev.shifts] {
			put(b)
		}
		pos += ev.shifts
		for i := int(ev.nraw) - 1; i >= 0; i-- {
			put(byte(ev.raw>>uint(i)) & 1)
		}
	}
	for _, b := range e.code[pos:] {
		put(b)
	}
	for n != 0 {
		put(0)
	}
	return out
}

func slotFor(off int, slots int) (slot int, extra uint32) {
	v := uint32(off - 1)
	s := sort.Search(slots, func(i int) bool { return positionBase[i] > v }) - 1
	return s, v - positionBase[s]
}

// encodeQuantum compresses data into one frame per 32 KiB and returns the
// frames' compressed bytes (one CFDATA payload each).
func encodeQuantum(data []byte, windowBits int) [][]byte {
	d, err := newDecoder(windowBits, int64(len(data)))
	if err != nil {
		panic(err)
	}
	e := &qEncoder{}
	wsize := 1 << windowBits
	m := rawcab.NewMatcher(data)
	var frames [][]byte
	for start := 0; start < len(data); start += frameSize {
		end := min(start+frameSize, len(data))
		e.startFrame()
		for i := start; i < end; {
			bestLen, bestOff := m.Longest(i, min(end-i, 259), wsize, 8)
			// 3- and 4-byte matches have smaller offset ranges.
			if bestLen == 3 && bestOff > int(positionBase[d.pos3.entries-1])+1<<positionBits[d.pos3.entries-1] {
				bestLen = 0
			}
			if bestLen == 4 && bestOff > int(positionBase[d.pos4.entries-1])+1<<positionBits[d.pos4.entries-1] {
				bestLen = 3
				if bestOff > int(positionBase[d.pos3.entries-1])+1<<positionBits[d.pos3.entries-1] {
					bestLen = 0
				}
			}
			switch {
			case bestLen < 3:
				b := int(data[i])
				e.symbol(&d.selector, b>>6)
				e.symbol(&d.literal[b>>6], b)
				m.Insert(i)
				i++
				continue
			case bestLen == 3:
				e.symbol(&d.selector, 4)
				slot, extra := slotFor(bestOff, d.pos3.entries)
				e.symbol(&d.pos3, slot)
				e.raw(extra, uint(positionBits[slot]))
			case bestLen == 4:
				e.symbol(&d.selector, 5)
				slot, extra := slotFor(bestOff, d.pos4.entries)
				e.symbol(&d.pos4, slot)
				e.raw(extra, uint(positionBits[slot]))
			default:
				e.symbol(&d.selector, 6)
				v := bestLen - 5
				ls := sort.Search(len(lengthBase), func(k int) bool { return int(lengthBase[k]) > v }) - 1
				e.symbol(&d.lenVar, ls)
				e.raw(uint32(v-int(lengthBase[ls])), uint(lengthBits[ls]))
				slot, extra := slotFor(bestOff, d.posVar.entries)
				e.symbol(&d.posVar, slot)
				e.raw(extra, uint(positionBits[slot]))
			}
			for k := 0; k < bestLen; k++ {
				m.Insert(i + k)
			}
			i += bestLen
		}
		frames = append(frames, e.endFrame())
	}
	return frames
}
