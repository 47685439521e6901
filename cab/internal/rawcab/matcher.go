package rawcab

// Matcher is the hash-chain LZ77 match finder of the decoders' test
// encoders (greedy parsing, 3-byte hashes).
type Matcher struct {
	data []byte
	head []int32
	prev []int32
}

const matcherHashBits = 16

// NewMatcher prepares a match finder over data.
func NewMatcher(data []byte) *Matcher {
	m := &Matcher{data: data, head: make([]int32, 1<<matcherHashBits), prev: make([]int32, len(data))}
	for i := range m.head {
		m.head[i] = -1
	}
	return m
}

func (m *Matcher) hash(i int) uint32 {
	d := m.data
	return (uint32(d[i]) | uint32(d[i+1])<<8 | uint32(d[i+2])<<16) * 2654435761 >> (32 - matcherHashBits)
}

// Insert makes position i findable by later searches.
func (m *Matcher) Insert(i int) {
	if i+3 <= len(m.data) {
		h := m.hash(i)
		m.prev[i], m.head[h] = m.head[h], int32(i)
	}
}

// Longest returns the longest earlier match for position i, of at most
// limit bytes and at most maxOff back, looking at chain candidates. It
// returns length 0 when limit < 3 or nothing was found.
func (m *Matcher) Longest(i, limit, maxOff, chain int) (length, off int) {
	if limit < 3 {
		return 0, 0
	}
	d := m.data
	for c, j := 0, int(m.head[m.hash(i)]); j >= 0 && c < chain && i-j <= maxOff; c, j = c+1, int(m.prev[j]) {
		n := 0
		for n < limit && d[j+n] == d[i+n] {
			n++
		}
		if n > length {
			length, off = n, i-j
		}
	}
	return length, off
}
