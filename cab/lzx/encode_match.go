package lzx

import (
	"encoding/binary"
	"math/bits"
)

// matchFinder finds earlier occurrences of the bytes at a position, over the
// reference data and the output so far. It is a hash table of buckets of
// matchWays positions (newest first) keyed by 4 bytes: memory is fixed by
// the table size (at most 32 MiB), not by the data size, which a
// hash-chain finder (4 bytes per position) would not allow for 32 MiB
// windows.
type matchFinder struct {
	buf   []byte
	tab   []int32 // bucket b holds tab[b*matchWays:][:matchWays]; 0 = empty, else position+1
	shift uint
}

const (
	matchWays     = 8
	minHashMatch  = 4
	maxBucketBits = 20 // 2^20 buckets * 8 ways * 4 bytes = 32 MiB
)

func newMatchFinder(buf []byte) *matchFinder {
	// About one slot per position, up to the cap.
	b := 10
	for b < maxBucketBits && 1<<(b+3) < len(buf) {
		b++
	}
	return &matchFinder{buf: buf, tab: make([]int32, (1<<b)*matchWays), shift: uint(32 - b)}
}

func (m *matchFinder) bucket(i int) []int32 {
	h := binary.LittleEndian.Uint32(m.buf[i:]) * 2654435761 >> m.shift
	return m.tab[h*matchWays : h*matchWays+matchWays : h*matchWays+matchWays]
}

// insert makes position i findable (when 4 bytes remain from it).
func (m *matchFinder) insert(i int) {
	if i+minHashMatch > len(m.buf) {
		return
	}
	b := m.bucket(i)
	copy(b[1:], b[:matchWays-1])
	b[0] = int32(i + 1)
}

// matchLen returns how many bytes (at most limit) at j equal those at i.
func matchLen(buf []byte, j, i, limit int) int {
	n := 0
	for n+8 <= limit {
		x := binary.LittleEndian.Uint64(buf[i+n:]) ^ binary.LittleEndian.Uint64(buf[j+n:])
		if x != 0 {
			return n + bits.TrailingZeros64(x)/8
		}
		n += 8
	}
	for n < limit && buf[i+n] == buf[j+n] {
		n++
	}
	return n
}

// candidate is a possible match at a position: rep is 0..2 for a repeated
// offset, -1 for an explicit one.
type candidate struct {
	length, off, rep int
	gain             int // estimated bits saved over literals
}

// offsetCost estimates the bits of a match's offset.
func offsetCost(off, rep int) int {
	if rep >= 0 {
		return 2 + 2*rep
	}
	return 6 + int(extraBits[slotOf(off+2)])
}

func gainOf(length, off, rep int) int {
	g := 8*length - offsetCost(off, rep) - 4
	if length >= 9 {
		g -= 4 // a length-tree code
	}
	return g
}

// best returns the most profitable match at i: the repeated offsets first,
// then longOff (a long match's offset, 0 for none), then the hash bucket.
// limit caps the length; maxOff the distance.
func (m *matchFinder) best(i, limit, maxOff int, reps *[3]int, longOff int) candidate {
	var c candidate
	c.rep = -1
	if limit < 2 {
		return c
	}
	buf := m.buf
	for k, off := range reps {
		if off > i || off <= 0 || off > maxOff {
			continue
		}
		if n := matchLen(buf, i-off, i, limit); n >= 2 {
			if g := gainOf(n, off, k); g > c.gain {
				c = candidate{length: n, off: off, rep: k, gain: g}
			}
		}
	}
	if longOff > 0 && longOff <= i && longOff <= maxOff && longOff != reps[0] && longOff != reps[1] && longOff != reps[2] {
		if n := matchLen(buf, i-longOff, i, limit); n >= minHashMatch {
			if g := gainOf(n, longOff, -1); g > c.gain {
				c = candidate{length: n, off: longOff, rep: -1, gain: g}
			}
		}
	}
	if limit < minHashMatch || i+minHashMatch > len(buf) {
		return c
	}
	if c.length == limit {
		return c
	}
	for _, p := range m.bucket(i) {
		if p == 0 {
			break
		}
		j := int(p) - 1
		off := i - j
		if off <= 0 {
			continue
		}
		if off > maxOff {
			break // newest first: the rest are further
		}
		if buf[j+c.length] != buf[i+c.length] && c.length < limit {
			continue // cannot be longer than the best so far
		}
		n := matchLen(buf, j, i, limit)
		if n < minHashMatch {
			continue
		}
		if g := gainOf(n, off, -1); g > c.gain {
			c = candidate{length: n, off: off, rep: -1, gain: g}
			if n == limit {
				break
			}
		}
	}
	return c
}

// slotOf returns the position slot of a formatted offset (offset+2).
func slotOf(formatted int) int {
	if formatted < 4 {
		return formatted
	}
	if formatted < 1<<19 {
		hb := bits.Len(uint(formatted)) - 1
		return 2*hb + (formatted>>(hb-1))&1
	}
	return 38 + (formatted-1<<19)>>17
}
