package lzx

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// deltaRoundTrip encodes data against ref and decodes it back.
func deltaRoundTrip(t testing.TB, ref, data []byte) []byte {
	t.Helper()
	buf := append(append([]byte(nil), ref...), data...)
	bits := DeltaWindowBits(int64(len(ref)), int64(len(data)), maxDeltaWindowBits)
	stream, err := EncodeDelta(buf, len(ref), bits)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewDeltaReader(bytes.NewReader(stream), bits, bytes.NewReader(ref), int64(len(ref)), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decoding our stream (%d bytes): %v", len(stream), err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("round trip differs (%d vs %d bytes)", len(got), len(data))
	}
	return stream
}

// editedText returns a text and a copy with scattered edits.
func editedText(rng *rand.Rand, n int) (a, b []byte) {
	words := []string{"patch", "delta", "window", "installer", "cabinet", "reference", "the", "of", "and", "file"}
	for len(a) < n {
		a = append(a, words[rng.IntN(len(words))]...)
		a = append(a, ' ')
		if rng.IntN(12) == 0 {
			a = append(a, '\n')
		}
	}
	b = append([]byte(nil), a...)
	for range 20 {
		i := rng.IntN(len(b))
		b = append(b[:i], append([]byte("EDITED TEXT"), b[i:]...)...)
		j := rng.IntN(len(b) - 50)
		b = append(b[:j], b[j+rng.IntN(40):]...)
	}
	return a, b
}

func TestDeltaRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	a, b := editedText(rng, 300<<10)
	random := make([]byte, 200<<10)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	cases := []struct {
		name      string
		ref, data []byte
	}{
		{"empty both", nil, nil},
		{"empty ref", nil, a[:5000]},
		{"empty output", a[:100], nil},
		{"text edits", a, b},
		{"identical", a, a},
		{"random", random[:100<<10], random[50<<10:]},
		{"zeros", make([]byte, 100<<10), make([]byte, 200<<10)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := deltaRoundTrip(t, c.ref, c.data)
			t.Logf("%d + %d bytes -> %d", len(c.ref), len(c.data), len(s))
		})
	}
}
