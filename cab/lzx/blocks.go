package lzx

// readBlockHeader starts the next block: its type, size and trees.
func (d *decoder) readBlockHeader() error {
	in := &d.in
	if d.blockOddPad {
		// The byte after an odd-sized uncompressed block is padding.
		d.blockOddPad = false
		var pad [1]byte
		if !in.readRaw(pad[:]) {
			return d.inputError()
		}
	}
	typ := int(in.readBits(3))
	hi := in.readBits(16)
	size := int(hi<<8 | in.readBits(8))
	switch typ {
	case blockAligned:
		for i := range d.alignLens {
			d.alignLens[i] = uint8(in.readBits(3))
		}
		if !d.alignT.build(d.alignLens[:], alignTableBits) {
			return corrupt("bad aligned-offset tree")
		}
		fallthrough
	case blockVerbatim:
		if err := d.readLens(d.mainLens[:], 0, numChars); err != nil {
			return err
		}
		if err := d.readLens(d.mainLens[:], numChars, d.mainSyms); err != nil {
			return err
		}
		if !d.mainT.build(d.mainLens[:d.mainSyms], mainTableBits) {
			return corrupt("bad main tree")
		}
		if err := d.readLens(d.lenLens[:], 0, numLenSyms); err != nil {
			return err
		}
		// The length tree may be entirely empty (no match needs it); any
		// other invalid code is an error.
		d.lenEmpty = false
		if !d.lenT.build(d.lenLens[:numLenSyms], lenTableBits) {
			for _, l := range d.lenLens[:numLenSyms] {
				if l != 0 {
					return corrupt("bad length tree")
				}
			}
			d.lenEmpty = true
		}
	case blockUncompressed:
		in.alignRaw()
		var r [12]byte
		if !in.readRaw(r[:]) {
			return d.inputError()
		}
		d.r0 = int(le32(r[0:]))
		d.r1 = int(le32(r[4:]))
		d.r2 = int(le32(r[8:]))
		d.blockOddPad = size&1 == 1
	default:
		return corrupt("invalid block type %d", typ)
	}
	if in.consumedPastEnd() {
		return d.inputError()
	}
	d.blockType = typ
	d.blockRemaining = size
	return nil
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// readLens updates lens[first:last] from a pretree-coded delta list: each
// new length is coded as (old - new) mod 17 against the previous block's
// length, with run codes for zeros and repeats.
func (d *decoder) readLens(lens []uint8, first, last int) error {
	in := &d.in
	for i := range d.preLens {
		d.preLens[i] = uint8(in.readBits(4))
	}
	if !d.preT.build(d.preLens[:], preTableBits) {
		return corrupt("bad pretree")
	}
	fill := func(x, n int, v uint8) {
		for end := min(x+n, len(lens)); x < end; x++ {
			lens[x] = v
		}
	}
	for x := first; x < last; {
		switch z := in.decode(&d.preT); z {
		case 17:
			n := 4 + int(in.readBits(4))
			fill(x, n, 0)
			x += n
		case 18:
			n := 20 + int(in.readBits(5))
			fill(x, n, 0)
			x += n
		case 19:
			n := 4 + int(in.readBits(1))
			z = in.decode(&d.preT)
			if z > 16 {
				return corrupt("bad pretree run")
			}
			fill(x, n, uint8((int(lens[x])-z+17)%17))
			x += n
		default:
			lens[x] = uint8((int(lens[x]) - z + 17) % 17)
			x++
		}
	}
	return nil
}
