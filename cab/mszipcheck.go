package cab

// libmspack (cabextract) rejects deflate blocks whose Huffman codes are
// incomplete, which RFC 1951 decoders such as zlib accept. klauspost's
// encoder emits one such code whenever a block uses a single distance
// code (a block of zeros, or one with no matches), because it gives that
// code one bit without a partner. checkDeflate walks an encoded MSZIP
// payload and reports whether every code is complete, so the writer can
// replace the rare offending block with a stored one.

// deflateBits reads a deflate bit stream, least significant bit first.
type deflateBits struct {
	b    []byte
	pos  int
	bits uint32
	n    uint
	bad  bool
}

func (r *deflateBits) get(n uint) uint32 {
	for r.n < n {
		if r.pos >= len(r.b) {
			r.bad = true
			return 0
		}
		r.bits |= uint32(r.b[r.pos]) << r.n
		r.pos++
		r.n += 8
	}
	v := r.bits & (1<<n - 1)
	r.bits >>= n
	r.n -= n
	return v
}

// canonical is a canonical Huffman code in counts-per-length form.
type canonical struct {
	count  [16]uint16
	symbol []uint16
}

// build fills h from code lengths and reports whether the code is
// complete (all-zero lengths count as complete only if allowEmpty).
func (h *canonical) build(lengths []uint8, allowEmpty bool) bool {
	h.count = [16]uint16{}
	for _, l := range lengths {
		h.count[l]++
	}
	if int(h.count[0]) == len(lengths) {
		h.symbol = h.symbol[:0]
		return allowEmpty
	}
	left := 1
	for l := 1; l < 16; l++ {
		left = left<<1 - int(h.count[l])
		if left < 0 {
			return false // over-subscribed
		}
	}
	var offs [16]uint16
	for l := 1; l < 15; l++ {
		offs[l+1] = offs[l] + h.count[l]
	}
	h.symbol = h.symbol[:0]
	h.symbol = append(h.symbol, make([]uint16, len(lengths))...)
	for s, l := range lengths {
		if l != 0 {
			h.symbol[offs[l]] = uint16(s)
			offs[l]++
		}
	}
	return left == 0 // else incomplete
}

func (h *canonical) decode(r *deflateBits) int {
	code, first, index := 0, 0, 0
	for l := 1; l < 16; l++ {
		code |= int(r.get(1))
		if r.bad {
			return -1
		}
		count := int(h.count[l])
		if code-count < first {
			return int(h.symbol[index+code-first])
		}
		index += count
		first = (first + count) << 1
		code <<= 1
	}
	return -1
}

var (
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	clOrder     = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

// checkDeflate reports whether the raw deflate stream in b is made of
// blocks libmspack accepts and ends with a final block. With headerOnly it
// stops after the first block's code tables: klauspost's fast levels (1-6)
// emit a 32 KiB input as exactly one data block plus an empty final stored
// block, so the first header is the only one that can be at fault, and
// walking the symbols would cost more than the compression gains.
func checkDeflate(b []byte, headerOnly bool) bool {
	r := &deflateBits{b: b}
	var lit, dist, pre canonical
	lengths := make([]uint8, 320)
	for {
		final := r.get(1)
		switch r.get(2) {
		case 0: // stored
			r.bits, r.n = 0, 0
			if r.pos+4 > len(b) {
				return false
			}
			n := int(b[r.pos]) | int(b[r.pos+1])<<8
			r.pos += 4 + n
			if r.pos > len(b) {
				return false
			}
		case 1: // fixed codes are complete by construction
			for i := range 288 {
				lengths[i] = 8
				switch {
				case i >= 144 && i < 256:
					lengths[i] = 9
				case i >= 256 && i < 280:
					lengths[i] = 7
				}
			}
			if headerOnly {
				return true
			}
			lit.build(lengths[:288], false)
			for i := range 30 {
				lengths[i] = 5
			}
			dist.build(lengths[:30], false)
			if !walkSymbols(r, &lit, &dist) {
				return false
			}
		case 2:
			nlen := int(r.get(5)) + 257
			ndist := int(r.get(5)) + 1
			ncode := int(r.get(4)) + 4
			var cl [19]uint8
			for i := range ncode {
				cl[clOrder[i]] = uint8(r.get(3))
			}
			if r.bad || !pre.build(cl[:], false) {
				return false
			}
			for i := 0; i < nlen+ndist; {
				sym := pre.decode(r)
				var rep int
				var val uint8
				switch {
				case sym < 0:
					return false
				case sym < 16:
					lengths[i] = uint8(sym)
					i++
					continue
				case sym == 16:
					if i == 0 {
						return false
					}
					val, rep = lengths[i-1], 3+int(r.get(2))
				case sym == 17:
					rep = 3 + int(r.get(3))
				default:
					rep = 11 + int(r.get(7))
				}
				if i+rep > nlen+ndist {
					return false
				}
				for ; rep > 0; rep-- {
					lengths[i] = val
					i++
				}
			}
			if r.bad || !lit.build(lengths[:nlen], false) || !dist.build(lengths[nlen:nlen+ndist], true) {
				return false
			}
			if headerOnly {
				return true
			}
			if !walkSymbols(r, &lit, &dist) {
				return false
			}
		default:
			return false
		}
		if r.bad {
			return false
		}
		if final == 1 {
			return true
		}
	}
}

// walkSymbols skips one block's symbols up to its end-of-block code.
func walkSymbols(r *deflateBits, lit, dist *canonical) bool {
	for {
		sym := lit.decode(r)
		switch {
		case sym < 0 || sym > 285:
			return false
		case sym < 256:
			continue
		case sym == 256:
			return true
		}
		r.get(uint(lengthExtra[sym-257]))
		d := dist.decode(r)
		if d < 0 || d > 29 {
			return false
		}
		r.get(uint(distExtra[d]))
		if r.bad {
			return false
		}
	}
}
