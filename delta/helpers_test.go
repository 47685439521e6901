package delta

import "math/rand/v2"

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// editedText returns a text and a copy with scattered insertions and
// deletions.
func editedText(rng *rand.Rand, n int) (a, b []byte) {
	words := []string{"patch", "delta", "window", "installer", "cabinet", "reference", "the", "of", "and", "file",
		"administrative", "image", "update", "product", "version", "transform", "stream", "table", "row", "column"}
	for len(a) < n {
		a = append(a, words[rng.IntN(len(words))]...)
		if rng.IntN(9) == 0 {
			a = append(a, ". "...)
			a = append(a, byte('A'+rng.IntN(26)))
		}
		a = append(a, ' ')
		if rng.IntN(14) == 0 {
			a = append(a, '\n')
		}
	}
	b = append([]byte(nil), a...)
	for range 25 {
		i := rng.IntN(len(b))
		b = append(b[:i], append([]byte("an inserted sentence "), b[i:]...)...)
		j := rng.IntN(len(b) - 50)
		b = append(b[:j], b[j+1+rng.IntN(40):]...)
	}
	return a, b
}
