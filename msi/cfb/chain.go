package cfb

import (
	"encoding/binary"
	"io"
	"slices"
)

// sectorTable is a FAT or mini FAT: next-sector links, plus how many sectors
// actually exist (links to numbers at or beyond limit are out of range).
type sectorTable struct {
	next  []uint32
	limit uint32
	kind  string // "FAT" or "mini FAT", for messages
}

// chain follows a sector chain from start. need >= 0 is the number of
// sectors the owner's size requires: the walk stops there (so a damaged tail
// costs nothing) and a shorter chain is an error. need < 0 walks to
// ENDOFCHAIN; such a chain cannot be longer than the number of sectors, which
// bounds the walk. Either way the result is checked for repeated sectors, so
// a loop is reported instead of being read forever.
func (t *sectorTable) chain(start uint32, need int64, what string) ([]uint32, error) {
	if need == 0 {
		return nil, nil
	}
	if need > int64(t.limit) {
		return nil, corruptErr("%s needs %d sectors but the %s has only %d", what, need, t.kind, t.limit)
	}
	capHint := need
	if capHint < 0 {
		capHint = 16
	}
	out := make([]uint32, 0, capHint)
	cur := start
	for {
		if cur == endOfChain {
			if need >= 0 {
				return nil, corruptErr("%s chain of %s ends after %d sectors, its size needs %d", t.kind, what, len(out), need)
			}
			break
		}
		if cur >= t.limit || int(cur) >= len(t.next) {
			if cur < uint32(len(t.next)) && t.kind == "FAT" {
				return nil, corruptErr("FAT chain of %s reaches sector %d, beyond the end of the file (%d sectors): the file is truncated", what, cur, t.limit)
			}
			return nil, corruptErr("%s chain of %s reaches sector %#x, out of range (%d sectors)", t.kind, what, cur, t.limit)
		}
		out = append(out, cur)
		if need >= 0 && int64(len(out)) == need {
			break
		}
		if len(out) > int(t.limit) {
			break // necessarily a loop; findRepeat names it
		}
		cur = t.next[cur]
	}
	if dup, ok := findRepeat(out, t.limit); ok {
		return nil, corruptErr("%s chain of %s loops at sector %d", t.kind, what, dup)
	}
	return out, nil
}

// findRepeat returns a sector that occurs twice in list. It uses a bitmap when
// the list is a sizeable part of the sector space and sorting otherwise, so the
// cost stays proportional to the chain, not to the file.
func findRepeat(list []uint32, limit uint32) (uint32, bool) {
	if len(list) < 2 {
		return 0, false
	}
	if uint64(limit)/8 <= 16*uint64(len(list)) {
		seen := make([]uint64, (uint64(limit)+64)/64)
		for _, s := range list {
			w, b := s/64, uint64(1)<<(s%64)
			if seen[w]&b != 0 {
				return s, true
			}
			seen[w] |= b
		}
		return 0, false
	}
	sorted := slices.Clone(list)
	slices.Sort(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return sorted[i], true
		}
	}
	return 0, false
}

// readSectors reads whole file sectors in list order into one buffer,
// merging runs of consecutive sectors into single reads. A last sector cut
// short by the end of the file is padded with fill (some writers do not pad
// the final sector); a sector starting beyond the end is an error.
func (r *Reader) readSectors(list []uint32, fill byte, what string) ([]byte, error) {
	ss := int64(1) << r.shift
	buf := make([]byte, int64(len(list))*ss)
	for i := 0; i < len(list); {
		j := i + 1
		for j < len(list) && list[j] == list[j-1]+1 {
			j++
		}
		off := r.sectorOffset(list[i])
		dst := buf[int64(i)*ss : int64(j)*ss]
		n, err := r.ra.ReadAt(dst, off)
		if n < len(dst) {
			if err != nil && err != io.EOF {
				return nil, err
			}
			if off+int64(n) < r.size {
				return nil, corruptErr("short read of %s at offset %d", what, off+int64(n))
			}
			for k := n; k < len(dst); k++ {
				dst[k] = fill
			}
		}
		i = j
	}
	return buf, nil
}

func (r *Reader) sectorOffset(s uint32) int64 {
	return (int64(s) + 1) << r.shift
}

func decodeUint32s(b []byte) []uint32 {
	out := make([]uint32, len(b)/4)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return out
}
