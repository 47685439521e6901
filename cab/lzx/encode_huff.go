package lzx

import (
	"slices"
)

// Huffman code construction for the encoder.

// codeLengths returns canonical-Huffman code lengths, at most maxLen bits,
// for the symbol frequencies. The code is always complete: when fewer than
// two symbols occur, unused symbols get codes too, since the decoder (like
// Windows') only accepts complete codes. A table of all zeros is returned
// when allowEmpty and nothing occurs (an empty length tree).
func codeLengths(freq []uint32, maxLen int, allowEmpty bool, lens []uint8) []uint8 {
	lens = slices.Grow(lens[:0], len(freq))[:len(freq)]
	clear(lens)
	used := 0
	for _, f := range freq {
		if f > 0 {
			used++
		}
	}
	if used == 0 && allowEmpty {
		return lens
	}
	f := make([]uint32, len(freq))
	copy(f, freq)
	for i := 0; used < 2; i++ {
		if f[i] == 0 {
			f[i] = 1
			used++
		}
	}
	for {
		huffmanLengths(f, lens)
		longest := uint8(0)
		for _, l := range lens {
			longest = max(longest, l)
		}
		if int(longest) <= maxLen {
			return lens
		}
		// Flatten the distribution and try again; rare, and the loss
		// is a fraction of a percent.
		for i := range f {
			if f[i] > 0 {
				f[i] = f[i]/2 + 1
			}
		}
	}
}

// huffmanLengths sets lens to the optimal (unlimited) code lengths of the
// non-zero frequencies, by the two-queue method on sorted leaves.
func huffmanLengths(freq []uint32, lens []uint8) {
	type node struct {
		w      uint64
		parent int32
	}
	var syms []int
	for s, f := range freq {
		lens[s] = 0
		if f > 0 {
			syms = append(syms, s)
		}
	}
	slices.SortStableFunc(syms, func(a, b int) int {
		switch {
		case freq[a] < freq[b]:
			return -1
		case freq[a] > freq[b]:
			return 1
		}
		return 0
	})
	n := len(syms)
	nodes := make([]node, 0, 2*n)
	for _, s := range syms {
		nodes = append(nodes, node{w: uint64(freq[s]), parent: -1})
	}
	leaf, inner := 0, n // next unmerged leaf; next unmerged inner node
	take := func() int {
		if leaf < n && (inner >= len(nodes) || nodes[leaf].w <= nodes[inner].w) {
			leaf++
			return leaf - 1
		}
		inner++
		return inner - 1
	}
	for k := 0; k < n-1; k++ {
		a := take()
		b := take()
		nodes = append(nodes, node{w: nodes[a].w + nodes[b].w, parent: -1})
		nodes[a].parent = int32(len(nodes) - 1)
		nodes[b].parent = int32(len(nodes) - 1)
	}
	// Depths: parents come after children, so walk from the root down.
	depth := make([]uint8, len(nodes))
	for i := len(nodes) - 2; i >= 0; i-- {
		depth[i] = depth[nodes[i].parent] + 1
	}
	for i, s := range syms {
		lens[s] = depth[i]
	}
}

// canonical fills codes with the canonical codes of lens (shorter codes
// first, then by symbol), as the decoder assigns them.
func canonical(lens []uint8, codes []uint32) []uint32 {
	codes = slices.Grow(codes[:0], len(lens))[:len(lens)]
	var count [maxCodeLen + 2]uint32
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [maxCodeLen + 2]uint32
	code := uint32(0)
	for l := 1; l <= maxCodeLen; l++ {
		code = (code + count[l-1]) << 1
		next[l] = code
	}
	for s, l := range lens {
		codes[s] = 0
		if l > 0 {
			codes[s] = next[l]
			next[l]++
		}
	}
	return codes
}
