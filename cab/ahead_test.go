package cab

import (
	"bytes"
	"io"
	"math/rand"
	"testing"
)

// countingReaderAt counts the ReadAt calls that reach the input.
type countingReaderAt struct {
	r     io.ReaderAt
	calls int
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	c.calls++
	return c.r.ReadAt(p, off)
}

// aheadReader answers exactly as the input would (bytes, counts, io.EOF at
// the end), with one input read per window.
func TestAheadReader(t *testing.T) {
	data := make([]byte, 3*aheadSize+123)
	rand.New(rand.NewSource(5)).Read(data)
	src := &countingReaderAt{r: bytes.NewReader(data)}
	ar := &aheadReader{r: src}
	rng := rand.New(rand.NewSource(6))
	for off := int64(0); off < int64(len(data))+10; off += int64(1 + rng.Intn(300)) {
		n := rng.Intn(260)
		got, want := make([]byte, n), make([]byte, n)
		gn, gerr := ar.ReadAt(got, off)
		wn, werr := bytes.NewReader(data).ReadAt(want, off)
		if gn != wn || (gerr == nil) != (werr == nil) || !bytes.Equal(got[:gn], want[:wn]) {
			t.Fatalf("ReadAt(%d bytes, %d) = %d, %v; want %d, %v", n, off, gn, gerr, wn, werr)
		}
	}
	if src.calls > 8 {
		t.Errorf("%d reads of the input for a forward walk of %d bytes", src.calls, len(data))
	}
	big := make([]byte, aheadSize+1)
	if n, err := ar.ReadAt(big, 7); n != len(big) || err != nil || !bytes.Equal(big, data[7:7+len(big)]) {
		t.Errorf("read larger than the window: %d, %v", n, err)
	}
}
