package lzx

// Canonical Huffman decoding with a two-level lookup table.
//
// The first level is indexed by the next `bits` bits of the stream. An entry
// either decodes a symbol directly or links to a second-level table indexed
// by the bits that follow. Entries are packed into a uint32:
//
//	bits 0-4   code length to consume (direct or second-level entries)
//	bit  5     link flag (first level only)
//	bits 8-12  index width of the linked second-level table
//	bits 16-31 symbol, or the start of the linked table
const (
	entryLenMask = 0x1F
	entryLink    = 0x20
	maxCodeLen   = 16
)

type huffTable struct {
	bits  uint     // first-level index width
	table []uint32 // first level followed by the second-level tables
}

// build fills t from the code lengths. It reports false if the lengths do
// not form a complete prefix code (oversubscribed, incomplete or empty).
func (t *huffTable) build(lens []uint8, bits uint) bool {
	var count [maxCodeLen + 1]int
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	// Kraft check: the code must be exactly complete.
	left := 1
	for l := 1; l <= maxCodeLen; l++ {
		left = left<<1 - count[l]
		if left < 0 {
			return false
		}
	}
	if left != 0 {
		return false
	}
	var next [maxCodeLen + 2]uint32
	code := uint32(0)
	for l := 1; l <= maxCodeLen; l++ {
		next[l] = code
		code = (code + uint32(count[l])) << 1
	}

	t.bits = bits
	size := 1 << bits
	// Width of each second-level table: the longest code sharing a prefix.
	var subBits [1 << 12]uint8
	codes := next
	for _, l := range lens {
		if uint(l) > bits {
			c := codes[l]
			codes[l]++
			p := c >> (uint(l) - bits)
			if w := l - uint8(bits); w > subBits[p] {
				subBits[p] = w
			}
		}
	}
	total := size
	for p := 0; p < size; p++ {
		if subBits[p] > 0 {
			total += 1 << subBits[p]
		}
	}
	if cap(t.table) < total {
		t.table = make([]uint32, total)
	}
	t.table = t.table[:total]
	tab := t.table
	// Lay out the second-level tables and their links.
	pos := size
	for p := 0; p < size; p++ {
		if w := subBits[p]; w > 0 {
			tab[p] = uint32(pos)<<16 | uint32(w)<<8 | entryLink | uint32(bits)
			pos += 1 << w
		}
	}
	codes = next
	for sym, l := range lens {
		if l == 0 {
			continue
		}
		c := codes[l]
		codes[l]++
		e := uint32(sym)<<16 | uint32(l)
		if uint(l) <= bits {
			shift := bits - uint(l)
			start := c << shift
			for i := uint32(0); i < 1<<shift; i++ {
				tab[start+i] = e
			}
			continue
		}
		p := c >> (uint(l) - bits)
		link := tab[p]
		w := uint(link>>8) & 0x1F
		base := link >> 16
		rest := uint(l) - bits
		low := c & (1<<rest - 1)
		shift := w - rest
		start := base + low<<shift
		for i := uint32(0); i < 1<<shift; i++ {
			tab[start+i] = e
		}
	}
	return true
}
