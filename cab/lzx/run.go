package lzx

import "encoding/binary"

// decodeRun decodes verbatim or aligned-offset symbols into the window until
// position end (the end of the block or of the frame, whichever is first).
// frameStart is the window position of the current frame's first byte.
//
// This is the hot loop: the bit buffer, window position and repeated
// offsets live in locals, and the common refill is inlined.
func (d *decoder) decodeRun(frameStart, end int) error {
	in := &d.in
	bits, nbits, pos := in.bits, in.nbits, in.pos
	buf := in.buf[:in.end]
	win := d.win[:end]
	wpos := d.wpos
	r0, r1, r2 := d.r0, d.r1, d.r2
	mainTab, lenTab, alignTab := d.mainT.table, d.lenT.table, d.alignT.table
	// The first levels as arrays: indexing them by the top bits of the
	// buffer needs no bounds check.
	// (The length and aligned tables only exist when in use.)
	mainTop := (*[1 << mainTableBits]uint32)(mainTab)
	var lenTop *[1 << lenTableBits]uint32
	var alignTop *[1 << alignTableBits]uint32
	if !d.lenEmpty {
		lenTop = (*[1 << lenTableBits]uint32)(lenTab)
	}
	if d.blockType == blockAligned {
		alignTop = (*[1 << alignTableBits]uint32)(alignTab)
	}
	aligned := d.blockType == blockAligned
	lenEmpty := d.lenEmpty
	// Stream position of window position 0 of this frame, to reject
	// matches that reach before the start of the data (in LZXD they read
	// zeros; the stream includes the reference data).
	streamBase := int(d.history+d.produced) - frameStart

	var err error
	for wpos < len(win) {
		if nbits < 33 { // enough for a main and a length code
			if pos+8 <= len(buf) {
				x := swapWords(binary.BigEndian.Uint64(buf[pos:]))
				k := (64 - nbits) >> 4
				bits |= x >> (64 - 16*k) << (64 - 16*k - nbits)
				nbits += 16 * k
				pos += int(2 * k)
			} else {
				in.bits, in.nbits, in.pos = bits, nbits, pos
				in.refillSlow()
				bits, nbits, pos = in.bits, in.nbits, in.pos
				buf = in.buf[:in.end]
			}
		}
		e := mainTop[bits>>(64-mainTableBits)]
		if e&entryLink != 0 {
			e = mainTab[e>>16+uint32(bits<<mainTableBits>>(64-(e>>8&0x1F)))]
		}
		n := uint(e & entryLenMask)
		bits <<= n
		nbits -= n
		sym := int(e >> 16)
		if sym < numChars {
			win[wpos] = byte(sym)
			wpos++
			// At least 17 bits are left: enough to take a second literal
			// with a short code without another refill check.
			if e := mainTop[bits>>(64-mainTableBits)]; e>>16 < numChars && e&entryLink == 0 && wpos < len(win) {
				n := uint(e & entryLenMask)
				bits <<= n
				nbits -= n
				win[wpos] = byte(e >> 16)
				wpos++
			}
			continue
		}
		sym -= numChars
		length := sym & 7
		if length == numPrimaryLen {
			if lenEmpty {
				err = corrupt("match needs the empty length tree")
				break
			}
			e := lenTop[bits>>(64-lenTableBits)]
			if e&entryLink != 0 {
				e = lenTab[e>>16+uint32(bits<<lenTableBits>>(64-(e>>8&0x1F)))]
			}
			n := uint(e & entryLenMask)
			bits <<= n
			nbits -= n
			length += int(e >> 16)
		}
		length += minMatch
		slot := sym >> 3
		var off int
		switch slot {
		case 0:
			off = r0
		case 1:
			off = r1
			r1 = r0
			r0 = off
		case 2:
			off = r2
			r2 = r0
			r0 = off
		default:
			extra := uint(extraBits[slot])
			off = int(positionBase[slot]) - 2
			// The symbol start guaranteed 33 bits and up to 32 went to the
			// main and length codes; the extra bits need up to 21 (14
			// verbatim + 7 aligned).
			if nbits < 21 {
				in.bits, in.nbits, in.pos = bits, nbits, pos
				in.refill()
				bits, nbits, pos = in.bits, in.nbits, in.pos
				buf = in.buf[:in.end]
			}
			if aligned && extra >= 3 {
				if extra > 3 {
					off += int(bits>>(64-(extra-3))) << 3
					bits <<= extra - 3
					nbits -= extra - 3
				}
				e := alignTop[bits>>(64-alignTableBits)]
				n := uint(e & entryLenMask)
				bits <<= n
				nbits -= n
				off += int(e >> 16)
			} else if extra > 0 {
				off += int(bits >> (64 - extra))
				bits <<= extra
				nbits -= extra
			}
			r2 = r1
			r1 = r0
			r0 = off
		}
		if length == maxMatch && d.lzxd {
			// LZXD's extra-length escape: prefix 0, 10, 110 or 111, then
			// 8, 10, 12 or 15 bits added to 257, 513, 1537 or 257.
			if nbits < 18 {
				in.bits, in.nbits, in.pos = bits, nbits, pos
				in.refill()
				bits, nbits, pos = in.bits, in.nbits, in.pos
				buf = in.buf[:in.end]
			}
			esc := longMatchEscapes[bits>>61]
			bits <<= esc.prefix
			length = esc.base + int(bits>>(64-esc.extra))
			bits <<= esc.extra
			nbits -= esc.prefix + esc.extra
		}

		if length > len(win)-wpos {
			err = corrupt("match runs past the end of the frame or block")
			break
		}
		if off <= 0 || off > streamBase+wpos || off > len(d.win) {
			if !d.lzxd || off <= streamBase+wpos {
				err = corrupt("match offset %d out of range", off)
				break
			}
			d.copyBeforeStart(wpos, off, length, streamBase+wpos)
		} else if src := wpos - off; src >= 0 {
			copyMatch(win, wpos, src, length)
		} else {
			// The match starts in the previous pass over the window: copy
			// up to the window end, then continue from its start, which is
			// an ordinary match at distance off.
			src += len(d.win)
			first := min(length, len(d.win)-src)
			if first <= 64 && src-wpos >= 8 {
				copyShort(win[wpos:wpos+first], d.win[src:src+first])
			} else {
				copy(win[wpos:wpos+first], d.win[src:src+first])
			}
			if first < length {
				copyMatch(win, wpos+first, 0, length-first)
			}
		}
		wpos += length
	}
	in.bits, in.nbits, in.pos = bits, nbits, pos
	d.wpos = wpos
	d.r0, d.r1, d.r2 = r0, r1, r2
	return err
}

// copyMatch copies length bytes from win[src:] to win[dst:] (src < dst) the
// LZ77 way: when the regions overlap, bytes written earlier in the match
// are read again, repeating the last dst-src bytes.
func copyMatch(win []byte, dst, src, length int) {
	off := dst - src
	t := win[dst : dst+length]
	switch {
	case off >= 8 && length <= 64:
		copyShort(t, win[src:src+length])
	case off >= length:
		copy(t, win[src:src+length])
	case off == 1:
		b := win[src]
		for i := range t {
			t[i] = b
		}
	default:
		// Replicate the off-byte pattern, doubling the copied span.
		k := copy(t, win[src:dst])
		for k < length {
			k += copy(t[k:], t[:k])
		}
	}
}

// copyShort copies len(s) <= 64 bytes to t in words. The caller ensures the
// words read are never ones this copy wrote: s starts at least 8 bytes
// before t, or at least 8 bytes after it. The last word may overlap the one
// before it instead of running past the end.
func copyShort(t, s []byte) {
	n := len(s)
	t = t[:n]
	if n <= 8 {
		if n >= 4 {
			binary.LittleEndian.PutUint32(t, binary.LittleEndian.Uint32(s))
			binary.LittleEndian.PutUint32(t[n-4:], binary.LittleEndian.Uint32(s[n-4:]))
			return
		}
		for i := range t {
			t[i] = s[i]
		}
		return
	}
	for i := 0; i+8 < n; i += 8 {
		binary.LittleEndian.PutUint64(t[i:], binary.LittleEndian.Uint64(s[i:]))
	}
	binary.LittleEndian.PutUint64(t[n-8:], binary.LittleEndian.Uint64(s[n-8:]))
}
