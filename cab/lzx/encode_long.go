package lzx

// Long-range matching: the bucketed hash table keeps only the newest few
// positions of each 4-byte key, so in repetitive data it forgets where the
// old file's copy of a region starts. Before parsing, this pass finds the
// long matches (at least longWidth bytes) between the output and
// everything before it with a rolling hash over longWidth bytes, sampled by
// content so that equal regions sample the same positions; the parser then
// offers each long match's offset as a candidate beside its own.

const (
	longWidth      = 32
	longSampleBits = 3 // one position in 8, by content
	longBase       = 0x100000001B3
	maxLongBits    = 21 // 2M entries * 4 bytes = 8 MiB
)

// longMatch says: output bytes [start, end) equal those off bytes before.
type longMatch struct{ start, end, off int }

// findLongMatches returns the long matches of buf[ref:], in order, not
// overlapping, within maxOff.
func findLongMatches(buf []byte, ref, maxOff int) []longMatch {
	if len(buf)-ref < longWidth || len(buf) < 2*longWidth {
		return nil
	}
	tbits := 12
	for tbits < maxLongBits && 1<<(tbits+longSampleBits) < len(buf) {
		tbits++
	}
	table := make([]int32, 1<<tbits) // position+1 of the last sampled occurrence
	var pow uint64 = 1               // longBase^(longWidth-1)
	for range longWidth - 1 {
		pow *= longBase
	}
	hashAt := func(i int) uint64 {
		var h uint64
		for _, b := range buf[i : i+longWidth] {
			h = h*longBase + uint64(b)
		}
		return h
	}
	const sampleMask = 1<<longSampleBits - 1
	mix := func(h uint64) uint64 { return h * 0x9E3779B97F4A7C15 }

	var out []longMatch
	covered := ref // output before this is inside a found match
	h := hashAt(0)
	for i := 0; ; {
		m := mix(h)
		if m>>(64-longSampleBits)&sampleMask == 0 {
			slot := m >> 8 & (1<<tbits - 1)
			if i >= covered {
				if p := int(table[slot]) - 1; p >= 0 && i-p <= maxOff {
					if n := matchLen(buf, p, i, min(len(buf)-i, longWidth)); n == longWidth {
						end := i + matchLen(buf, p, i, len(buf)-i)
						start := i
						for start > covered && p-(i-start) > 0 && buf[start-1] == buf[p-(i-start)-1] {
							start--
						}
						out = append(out, longMatch{start: start, end: end, off: i - p})
						covered = end
					}
				}
			}
			table[slot] = int32(i + 1)
		}
		if i+longWidth >= len(buf) {
			break
		}
		h = (h-uint64(buf[i])*pow)*longBase + uint64(buf[i+longWidth])
		i++
	}
	return out
}
