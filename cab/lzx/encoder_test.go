package lzx

// A small LZX encoder, for tests only: it produces CAB-style LZX streams that
// exercise what the corpus samples do not (aligned-offset and uncompressed
// blocks at chosen sizes, blocks spanning frames, E8 translation of real x86
// code, every window size, repeated offsets, an empty length tree). Its
// output is checked against cabextract (libmspack), so the decoder is never
// only tested against this package's own reading of the format.

import (
	"encoding/binary"
	"sort"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

type token struct {
	lit    byte
	length int // 0 for a literal
	off    int
}

type encodeOptions struct {
	windowBits int
	e8Size     int32 // 0: no E8 translation
	blockTypes []int // cycled: blockVerbatim, blockAligned, blockUncompressed
	blockSizes []int // cycled: output bytes per block (rounded to token ends)
	chain      int   // hash-chain depth of the match finder
}

// bitWriter is the encoder's bit packer (encode_bits.go), so that the
// production bit and tree writers are checked against cabextract too.
type bitWriter = bitSink

// e8Encode applies the encoder-side CALL translation to a copy of data.
func e8Encode(data []byte, size int32) []byte {
	out := append([]byte(nil), data...)
	for start := 0; start < len(out) && start/frameSize < e8MaxFrames; start += frameSize {
		end := min(start+frameSize, len(out))
		if end-start <= 10 {
			break
		}
		for i := start; i < end-10; i++ {
			if out[i] != 0xE8 {
				continue
			}
			cur := int32(i)
			rel := int32(binary.LittleEndian.Uint32(out[i+1:]))
			switch {
			case rel >= -cur && rel < size-cur:
				binary.LittleEndian.PutUint32(out[i+1:], uint32(rel+cur))
			case rel >= size-cur && rel < size:
				binary.LittleEndian.PutUint32(out[i+1:], uint32(rel-size))
			}
			i += 4
		}
	}
	return out
}

// parse is a greedy hash-chain LZ77 parse; matches never cross a 32 KiB
// frame end (the decoder requires that).
func parse(data []byte, windowBits, chain int) []token {
	m := rawcab.NewMatcher(data)
	maxOff := 1<<windowBits - 3
	var toks []token
	for i := 0; i < len(data); {
		limit := min(257, (i/frameSize+1)*frameSize-i, len(data)-i)
		bestLen, bestOff := m.Longest(i, limit, maxOff, chain)
		if bestLen >= 3 {
			toks = append(toks, token{length: bestLen, off: bestOff})
			for k := 0; k < bestLen; k++ {
				m.Insert(i + k)
			}
			i += bestLen
		} else {
			toks = append(toks, token{lit: data[i]})
			m.Insert(i)
			i++
		}
	}
	return toks
}

// huffLengths builds code lengths (at most maxLen) for the frequencies; at
// least two symbols get a code so the code is complete.
func huffLengths(freq []int, maxLen int) []uint8 {
	f := append([]int(nil), freq...)
	used := 0
	for _, v := range f {
		if v > 0 {
			used++
		}
	}
	for i := 0; used < 2 && i < len(f); i++ {
		if f[i] == 0 {
			f[i] = 1
			used++
		}
	}
	for {
		lens := huffmanOnce(f)
		ok := true
		for _, l := range lens {
			if int(l) > maxLen {
				ok = false
			}
		}
		if ok {
			return lens
		}
		for i := range f {
			if f[i] > 0 {
				f[i] = (f[i] + 1) / 2
			}
		}
	}
}

func huffmanOnce(freq []int) []uint8 {
	type node struct {
		w           int
		left, right int // -1 for leaves
		sym         int
	}
	var nodes []node
	var live []int
	for s, v := range freq {
		if v > 0 {
			nodes = append(nodes, node{v, -1, -1, s})
			live = append(live, len(nodes)-1)
		}
	}
	for len(live) > 1 {
		sort.Slice(live, func(a, b int) bool { return nodes[live[a]].w < nodes[live[b]].w })
		a, b := live[0], live[1]
		nodes = append(nodes, node{nodes[a].w + nodes[b].w, a, b, -1})
		live = append(live[2:], len(nodes)-1)
	}
	lens := make([]uint8, len(freq))
	var walk func(n, depth int)
	walk = func(n, depth int) {
		if nodes[n].left < 0 {
			lens[nodes[n].sym] = uint8(depth)
			return
		}
		walk(nodes[n].left, depth+1)
		walk(nodes[n].right, depth+1)
	}
	walk(live[0], 0)
	return lens
}

// canonicalCodes is the encoder's canonical code assignment.
func canonicalCodes(lens []uint8) []uint32 { return canonical(lens, nil) }

// writeLens codes lens[first:last] against prev with the encoder's tree
// writer and updates prev.
func writeLens(w *bitWriter, prev, lens []uint8, first, last int) {
	w.putLengths(prev, lens, first, last, &encScratch{})
}

func positionSlot(formatted int) int {
	s := sort.Search(maxPosSlots, func(i int) bool { return int(positionBase[i]) > formatted })
	return s - 1
}

// encodeLZX compresses data into one CAB folder's LZX stream and returns it
// with the compressed size of each 32 KiB frame (its CFDATA cbData).
func encodeLZX(data []byte, o encodeOptions) (stream []byte, frameSizes []int) {
	src := data
	if o.e8Size != 0 {
		src = e8Encode(data, o.e8Size)
	}
	toks := parse(src, o.windowBits, max(o.chain, 1))
	w := &bitWriter{}
	if o.e8Size != 0 {
		w.put(1, 1)
		w.put(uint32(o.e8Size)>>16, 16)
		w.put(uint32(o.e8Size)&0xFFFF, 16)
	} else {
		w.put(0, 1)
	}
	mainSyms := numChars + posSlots[o.windowBits]*8
	prevMain := make([]uint8, mainSyms)
	prevLen := make([]uint8, numLenSyms)
	r := [3]int{1, 1, 1}
	pos, lastFrameEnd := 0, 0
	// frameDone records a frame end (after realigning) when pos reaches it.
	frameDone := func(inRaw bool) {
		if pos%frameSize == 0 || pos == len(data) {
			if !inRaw {
				w.align()
			}
			frameSizes = append(frameSizes, len(w.out)-lastFrameEnd)
			lastFrameEnd = len(w.out)
		}
	}
	oddPad := false
	for bi := 0; len(toks) > 0; bi++ {
		typ := o.blockTypes[bi%len(o.blockTypes)]
		want := o.blockSizes[bi%len(o.blockSizes)]
		n, size := 0, 0
		for n < len(toks) && size < want {
			size += max(toks[n].length, 1)
			n++
		}
		block := toks[:n]
		toks = toks[n:]
		if oddPad {
			w.out = append(w.out, 0)
			oddPad = false
		}
		w.put(uint32(typ), 3)
		w.put(uint32(size>>8), 16)
		w.put(uint32(size&0xFF), 8)
		if typ == blockUncompressed {
			if w.nbits == 0 {
				w.put(0, 16)
			} else {
				w.align()
			}
			for _, v := range r {
				w.out = binary.LittleEndian.AppendUint32(w.out, uint32(v))
			}
			for _, t := range block {
				end := pos + max(t.length, 1)
				for pos < end {
					w.out = append(w.out, src[pos])
					pos++
					frameDone(true)
				}
			}
			oddPad = size&1 == 1
			continue
		}
		// First pass: symbols and frequencies, with the repeated offsets.
		type sym struct {
			main, length, slot, extra int
		}
		syms := make([]sym, len(block))
		mainFreq := make([]int, mainSyms)
		lenFreq := make([]int, numLenSyms)
		alignFreq := make([]int, numAlignSyms)
		rr := r
		for i, t := range block {
			if t.length == 0 {
				syms[i] = sym{main: int(t.lit)}
				mainFreq[t.lit]++
				continue
			}
			var slot, extra int
			switch t.off {
			case rr[0]:
				slot = 0
			case rr[1]:
				slot = 1
				rr[0], rr[1] = rr[1], rr[0]
			case rr[2]:
				slot = 2
				rr[0], rr[2] = rr[2], rr[0]
			default:
				slot = positionSlot(t.off + 2)
				extra = t.off + 2 - int(positionBase[slot])
				rr = [3]int{t.off, rr[0], rr[1]}
				if typ == blockAligned && extraBits[slot] >= 3 {
					alignFreq[extra&7]++
				}
			}
			header := min(t.length-minMatch, numPrimaryLen)
			s := sym{main: numChars + slot*8 + header, length: -1, slot: slot, extra: extra}
			if header == numPrimaryLen {
				s.length = t.length - minMatch - numPrimaryLen
				lenFreq[s.length]++
			}
			mainFreq[s.main]++
			syms[i] = s
		}
		var alignLens []uint8
		var alignCodes []uint32
		if typ == blockAligned {
			alignLens = huffLengths(alignFreq, 7)
			alignCodes = canonicalCodes(alignLens)
			for _, l := range alignLens {
				w.put(uint32(l), 3)
			}
		}
		mainLens := huffLengths(mainFreq, 16)
		writeLens(w, prevMain, mainLens, 0, numChars)
		writeLens(w, prevMain, mainLens, numChars, mainSyms)
		lenLens := make([]uint8, numLenSyms)
		if used := countUsed(lenFreq); used > 0 {
			lenLens = huffLengths(lenFreq, 16)
		}
		writeLens(w, prevLen, lenLens, 0, numLenSyms)
		mainCodes, lenCodes := canonicalCodes(mainLens), canonicalCodes(lenLens)
		for i, s := range syms {
			w.put(mainCodes[s.main], uint(mainLens[s.main]))
			if s.main >= numChars {
				if s.length >= 0 {
					w.put(lenCodes[s.length], uint(lenLens[s.length]))
				}
				if s.slot >= 3 {
					eb := uint(extraBits[s.slot])
					if typ == blockAligned && eb >= 3 {
						w.put(uint32(s.extra>>3), eb-3)
						w.put(alignCodes[s.extra&7], uint(alignLens[s.extra&7]))
					} else {
						w.put(uint32(s.extra), eb)
					}
				}
			}
			pos += max(block[i].length, 1)
			frameDone(false)
		}
		r = rr
	}
	// The trailing pad byte of an odd uncompressed block belongs to the
	// last frame.
	if oddPad {
		w.out = append(w.out, 0)
	}
	w.align()
	if len(frameSizes) > 0 {
		frameSizes[len(frameSizes)-1] += len(w.out) - lastFrameEnd
	}
	return w.out, frameSizes
}

func countUsed(freq []int) int {
	n := 0
	for _, v := range freq {
		if v > 0 {
			n++
		}
	}
	return n
}
