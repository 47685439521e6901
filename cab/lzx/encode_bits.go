package lzx

// bitSink packs bits MSB-first into 16-bit little-endian words, the LZX bit
// order.
type bitSink struct {
	out   []byte
	acc   uint64
	nbits uint
}

// put appends the low n (0..32) bits of v.
func (w *bitSink) put(v uint32, n uint) {
	w.acc = w.acc<<n | uint64(v)&(1<<n-1)
	w.nbits += n
	for w.nbits >= 16 {
		word := uint16(w.acc >> (w.nbits - 16))
		w.out = append(w.out, byte(word), byte(word>>8))
		w.nbits -= 16
	}
}

// align pads with zeros to a 16-bit boundary (the end of a chunk).
func (w *bitSink) align() {
	if w.nbits > 0 {
		w.put(0, 16-w.nbits)
	}
}

// preSym is one pretree symbol of a code-length list with its extra bits.
type preSym struct {
	sym, second int // second: the length delta after a 19 (same-value run)
	extra       uint32
	extraBits   uint
}

// putLengths codes lens[first:last] as deltas against prev with a fresh
// pretree (the block header's tree format) and updates prev.
func (w *bitSink) putLengths(prev, lens []uint8, first, last int, scratch *encScratch) {
	syms := scratch.pre[:0]
	delta := func(x int) int { return (int(prev[x]) - int(lens[x]) + 17) % 17 }
	for x := first; x < last; {
		run := 1
		for x+run < last && lens[x+run] == lens[x] {
			run++
		}
		switch {
		case lens[x] == 0 && run >= 20:
			n := min(run, 51)
			syms = append(syms, preSym{sym: 18, second: -1, extra: uint32(n - 20), extraBits: 5})
			x += n
		case lens[x] == 0 && run >= 4:
			n := min(run, 19)
			syms = append(syms, preSym{sym: 17, second: -1, extra: uint32(n - 4), extraBits: 4})
			x += n
		case run >= 4 && delta(x) == delta(x+1) && delta(x) == delta(x+2) && delta(x) == delta(x+3):
			n := 4
			if run >= 5 && delta(x+4) == delta(x) {
				n = 5
			}
			syms = append(syms, preSym{sym: 19, second: delta(x), extra: uint32(n - 4), extraBits: 1})
			x += n
		default:
			syms = append(syms, preSym{sym: delta(x), second: -1})
			x++
		}
	}
	var freq [numPreSyms]uint32
	for _, s := range syms {
		freq[s.sym]++
		if s.second >= 0 {
			freq[s.second]++
		}
	}
	plens := codeLengths(freq[:], 15, false, scratch.preLens[:0])
	pcodes := canonical(plens, scratch.preCodes[:0])
	for _, l := range plens {
		w.put(uint32(l), 4)
	}
	for _, s := range syms {
		w.put(pcodes[s.sym], uint(plens[s.sym]))
		w.put(s.extra, s.extraBits)
		if s.second >= 0 {
			w.put(pcodes[s.second], uint(plens[s.second]))
		}
	}
	copy(prev[first:last], lens[first:last])
	scratch.pre = syms
}
