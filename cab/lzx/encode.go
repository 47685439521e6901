package lzx

import (
	"encoding/binary"
	"fmt"
)

// EncodeDelta compresses buf[refLen:] into an LZXD stream (with its chunk
// size fields) whose reference data is buf[:refLen], for a window of
// 2^windowBits bytes (see DeltaWindowBits; the decoder derives the same
// value from the sizes). It never uses E8 translation: the reference is not
// translated, so translating the output would hide its matches.
//
// The parse is lazy (one step) over a bucketed hash table and the three
// repeated offsets, whose cheap codes carry most of a delta (a copy of the
// old file resumed after an edit). Blocks are verbatim or aligned-offset,
// whichever is smaller, with trees fitted to each block. Matches never
// cross a 32 KiB chunk end. Memory: the input, at most 32 MiB of hash
// table, and the output.
func EncodeDelta(buf []byte, refLen int, windowBits int) ([]byte, error) {
	if windowBits < minDeltaWindowBits || windowBits > maxDeltaWindowBits {
		return nil, fmt.Errorf("%w: LZXD window bits %d not in %d..%d", ErrParam, windowBits, minDeltaWindowBits, maxDeltaWindowBits)
	}
	if refLen < 0 || refLen > len(buf) || refLen > 1<<windowBits {
		return nil, fmt.Errorf("%w: reference of %d bytes", ErrParam, refLen)
	}
	slots := posSlots[windowBits]
	e := &encoder{
		buf:      buf,
		ref:      refLen,
		mf:       newMatchFinder(buf),
		mainSyms: numChars + slots*8,
		maxOff:   int(positionBase[slots-1]) + 1<<extraBits[slots-1] - 1 - 2,
		reps:     [3]int{1, 1, 1},
	}
	e.blockReps = e.reps
	e.long = findLongMatches(buf, refLen, e.maxOff)
	e.prevMain = make([]uint8, e.mainSyms)
	e.prevLen = make([]uint8, numLenSyms)
	return e.encode()
}

const (
	blockMaxTokens = 1 << 15
	blockMaxOutput = 1 << 22
	lazyMaxLength  = 48 // longer matches are taken at once
)

// encToken is a literal (length 0, the byte in off) or a match.
type encToken struct {
	length int32
	off    int32
}

type encoder struct {
	buf        []byte
	ref        int // reference length: output starts at buf[ref]
	mf         *matchFinder
	mainSyms   int
	maxOff     int
	reps       [3]int // repeated offsets after the parse so far
	long       []longMatch
	longNext   int // first long match not yet behind the parse
	nextInsert int // positions below are in the match finder

	w          bitSink
	out        []byte
	pos        int // output position being written (absolute in buf)
	prevMain   []uint8
	prevLen    []uint8
	blockReps  [3]int // repeated offsets at the start of the block being written
	scratch    encScratch
	toks       []encToken
	syms       []encSym
	chunkError error
}

// encScratch holds reusable buffers of the tree writer.
type encScratch struct {
	pre      []preSym
	preLens  []uint8
	preCodes []uint32
}

func (e *encoder) encode() ([]byte, error) {
	e.out = make([]byte, 0, 1024)
	e.w.put(0, 1) // no E8 translation
	e.pos = e.ref
	if e.ref == len(e.buf) {
		// Nothing to produce: one chunk with the header bit.
		e.flushChunk()
		return e.out, e.chunkError
	}
	e.insertUpTo(e.ref)
	for p := e.ref; p < len(e.buf); {
		start := p
		p = e.parseBlock(p)
		e.writeBlock(start, p)
		if e.chunkError != nil {
			return nil, e.chunkError
		}
	}
	return e.out, nil
}

func (e *encoder) insertUpTo(p int) {
	for ; e.nextInsert < p; e.nextInsert++ {
		e.mf.insert(e.nextInsert)
	}
}

// chunkEnd is the end of the 32 KiB output chunk holding position p.
func (e *encoder) chunkEnd(p int) int {
	return min(e.ref+((p-e.ref)/frameSize+1)*frameSize, len(e.buf))
}

// parseBlock parses tokens from p into e.toks up to a block's worth and
// returns where they end.
func (e *encoder) parseBlock(p int) int {
	e.toks = e.toks[:0]
	start := p
	var pending candidate
	havePending := false
	for p < len(e.buf) && len(e.toks) < blockMaxTokens && p-start < blockMaxOutput {
		ce := e.chunkEnd(p)
		var c candidate
		if havePending {
			c, havePending = pending, false
		} else {
			e.insertUpTo(p)
			c = e.mf.best(p, min(ce-p, MaxDeltaMatch), e.maxOff, &e.reps, e.longOffset(p))
		}
		if c.length < 2 || c.gain <= 0 {
			e.toks = append(e.toks, encToken{off: int32(e.buf[p])})
			p++
			continue
		}
		if c.length < lazyMaxLength && p+1 < ce {
			e.insertUpTo(p + 1)
			n := e.mf.best(p+1, min(ce-p-1, MaxDeltaMatch), e.maxOff, &e.reps, e.longOffset(p+1))
			if n.gain > c.gain+8 {
				e.toks = append(e.toks, encToken{off: int32(e.buf[p])})
				p++
				pending, havePending = n, true
				continue
			}
		}
		e.toks = append(e.toks, encToken{length: int32(c.length), off: int32(c.off)})
		updateReps(&e.reps, c.off)
		p += c.length
	}
	return p
}

// longOffset returns the offset of the long match covering p, or 0.
func (e *encoder) longOffset(p int) int {
	for e.longNext < len(e.long) && e.long[e.longNext].end <= p {
		e.longNext++
	}
	if e.longNext < len(e.long) && e.long[e.longNext].start <= p {
		return e.long[e.longNext].off
	}
	return 0
}

// updateReps applies a match at offset off to the repeated offsets, as the
// decoder does for the code the writer picks for it.
func updateReps(r *[3]int, off int) int {
	switch off {
	case r[0]:
		return 0
	case r[1]:
		r[0], r[1] = r[1], r[0]
		return 1
	case r[2]:
		r[0], r[2] = r[2], r[0]
		return 2
	}
	r[2], r[1], r[0] = r[1], r[0], off
	return -1
}

// encSym is a token as coded: main symbol, length symbol (-1: none), offset
// footer and the escaped length beyond 257.
type encSym struct {
	main, lenSym int
	slot         int
	extra        uint32
	length       int
}

// writeBlock codes e.toks, the output buf[start:end], as one block.
func (e *encoder) writeBlock(start, end int) {
	mainFreq := make([]uint32, e.mainSyms)
	var lenFreq [numLenSyms]uint32
	var alignFreq [numAlignSyms]uint32
	alignUses := uint32(0)
	e.syms = e.syms[:0]
	r := e.blockReps
	for _, t := range e.toks {
		if t.length == 0 {
			mainFreq[t.off]++
			e.syms = append(e.syms, encSym{main: int(t.off), lenSym: -1})
			continue
		}
		s := encSym{lenSym: -1, length: int(t.length)}
		if rep := updateReps(&r, int(t.off)); rep >= 0 {
			s.slot = rep
		} else {
			f := int(t.off) + 2
			s.slot = slotOf(f)
			s.extra = uint32(f) - positionBase[s.slot]
			if extraBits[s.slot] >= 3 {
				alignFreq[s.extra&7]++
				alignUses++
			}
		}
		header := min(s.length-minMatch, numPrimaryLen)
		if header == numPrimaryLen {
			s.lenSym = min(s.length-minMatch-numPrimaryLen, numLenSyms-1)
			lenFreq[s.lenSym]++
		}
		s.main = numChars + s.slot*8 + header
		mainFreq[s.main]++
		e.syms = append(e.syms, s)
	}

	// Aligned-offset block when its tree saves more than it costs.
	typ := blockVerbatim
	alignLens := codeLengths(alignFreq[:], 7, false, nil)
	if alignUses > 0 {
		cost := uint32(numAlignSyms * 3)
		for i, f := range alignFreq {
			cost += f * uint32(alignLens[i])
		}
		if cost < 3*alignUses {
			typ = blockAligned
		}
	}
	mainLens := codeLengths(mainFreq, maxCodeLen, false, nil)
	lenLens := codeLengths(lenFreq[:], maxCodeLen, true, nil)

	w := &e.w
	size := end - start
	w.put(uint32(typ), 3)
	w.put(uint32(size>>8), 16)
	w.put(uint32(size&0xFF), 8)
	if typ == blockAligned {
		for _, l := range alignLens {
			w.put(uint32(l), 3)
		}
	}
	w.putLengths(e.prevMain, mainLens, 0, numChars, &e.scratch)
	w.putLengths(e.prevMain, mainLens, numChars, e.mainSyms, &e.scratch)
	w.putLengths(e.prevLen, lenLens, 0, numLenSyms, &e.scratch)
	mainCodes := canonical(mainLens, nil)
	lenCodes := canonical(lenLens, nil)
	alignCodes := canonical(alignLens, nil)

	for _, s := range e.syms {
		w.put(mainCodes[s.main], uint(mainLens[s.main]))
		if s.main < numChars {
			e.pos++
		} else {
			if s.lenSym >= 0 {
				w.put(lenCodes[s.lenSym], uint(lenLens[s.lenSym]))
			}
			if s.slot >= 3 {
				eb := uint(extraBits[s.slot])
				if typ == blockAligned && eb >= 3 {
					w.put(s.extra>>3, eb-3)
					w.put(alignCodes[s.extra&7], uint(alignLens[s.extra&7]))
				} else {
					w.put(s.extra, eb)
				}
			}
			if s.length >= maxMatch {
				putLongLength(w, s.length)
			}
			e.pos += s.length
		}
		if e.pos == e.chunkEnd(e.pos-1) {
			e.flushChunk()
		}
	}
	e.blockReps = r
}

// putLongLength writes the extra-length escape of a match of 257 bytes or
// more.
func putLongLength(w *bitSink, n int) {
	switch {
	case n-257 < 1<<8:
		w.put(0, 1)
		w.put(uint32(n-257), 8)
	case n-513 < 1<<10:
		w.put(2, 2)
		w.put(uint32(n-513), 10)
	case n-1537 < 1<<12:
		w.put(6, 3)
		w.put(uint32(n-1537), 12)
	default:
		w.put(7, 3)
		w.put(uint32(n-257), 15)
	}
}

// flushChunk ends the chunk being written: realign, then emit its size and
// bytes.
func (e *encoder) flushChunk() {
	e.w.align()
	n := len(e.w.out)
	if n > 0xFFFF {
		e.chunkError = fmt.Errorf("lzx: a chunk compressed to %d bytes, more than its size field holds", n)
		return
	}
	e.out = binary.LittleEndian.AppendUint16(e.out, uint16(n))
	e.out = append(e.out, e.w.out...)
	e.w.out = e.w.out[:0]
}
