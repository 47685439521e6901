package cab

import "sort"

// fixedDeflate encodes data as one final deflate block with the fixed
// Huffman codes of RFC 1951 and greedy LZ77 matching inside the block. It
// is the writer's fallback when klauspost's block would use a Huffman code
// libmspack rejects (see mszipcheck.go): fixed codes are always accepted,
// and the data that triggers the fallback (runs of one byte, short
// repeating patterns) is exactly what greedy matching handles well.
func fixedDeflate(dst, data []byte) []byte {
	bw := bitWriter{b: dst}
	bw.put(1, 1) // BFINAL
	bw.put(1, 2) // BTYPE 01: fixed codes
	const hashBits = 14
	var head [1 << hashBits]int32 // position+1 of the last 3-byte prefix seen
	hash := func(i int) uint32 {
		v := uint32(data[i]) | uint32(data[i+1])<<8 | uint32(data[i+2])<<16
		return (v * 2654435761) >> (32 - hashBits)
	}
	for i := 0; i < len(data); {
		best, dist := 0, 0
		if i+3 <= len(data) {
			h := hash(i)
			if c := int(head[h]) - 1; c >= 0 && i-c <= 32768 {
				n := 0
				for n < 258 && i+n < len(data) && data[c+n] == data[i+n] {
					n++
				}
				if n >= 3 {
					best, dist = n, i-c
				}
			}
			head[h] = int32(i + 1)
		}
		if best == 0 {
			bw.literal(int(data[i]))
			i++
			continue
		}
		ls := sort.Search(len(lengthBase), func(k int) bool { return int(lengthBase[k]) > best }) - 1
		bw.literal(257 + ls)
		bw.put(uint32(best-int(lengthBase[ls])), uint(lengthExtra[ls]))
		ds := sort.Search(len(distBase), func(k int) bool { return int(distBase[k]) > dist }) - 1
		bw.putReversed(uint32(ds), 5)
		bw.put(uint32(dist-int(distBase[ds])), uint(distExtra[ds]))
		// Index the positions the match covers (cheaply: every one).
		for j := i + 1; j < i+best && j+3 <= len(data); j++ {
			head[hash(j)] = int32(j + 1)
		}
		i += best
	}
	bw.literal(256)
	return bw.flush()
}

var (
	lengthBase = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	distBase   = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
)

// bitWriter writes a deflate bit stream, least significant bit first.
type bitWriter struct {
	b    []byte
	bits uint64
	n    uint
}

func (w *bitWriter) put(v uint32, n uint) {
	w.bits |= uint64(v) << w.n
	w.n += n
	for w.n >= 8 {
		w.b = append(w.b, byte(w.bits))
		w.bits >>= 8
		w.n -= 8
	}
}

// putReversed writes a Huffman code, whose most significant bit goes first.
func (w *bitWriter) putReversed(code uint32, n uint) {
	var r uint32
	for i := uint(0); i < n; i++ {
		r = r<<1 | code>>i&1
	}
	w.put(r, n)
}

// literal writes a literal/length symbol with its fixed code.
func (w *bitWriter) literal(sym int) {
	switch {
	case sym < 144:
		w.putReversed(uint32(0x30+sym), 8)
	case sym < 256:
		w.putReversed(uint32(0x190+sym-144), 9)
	case sym < 280:
		w.putReversed(uint32(sym-256), 7)
	default:
		w.putReversed(uint32(0xC0+sym-280), 8)
	}
}

func (w *bitWriter) flush() []byte {
	if w.n > 0 {
		w.b = append(w.b, byte(w.bits))
		w.bits, w.n = 0, 0
	}
	return w.b
}
