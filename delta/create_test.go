package delta

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// roundTrip creates a delta of a -> b, applies it to a and checks the
// result is b.
func roundTrip(t testing.TB, a, b []byte, opt CreateOptions) []byte {
	t.Helper()
	opt.AllowLarger = true
	d, err := CreateBytes(a, b, opt)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	got, err := applyBytes(d, a, ApplyOptions{})
	if err != nil {
		t.Fatalf("apply our delta: %v", err)
	}
	if !bytes.Equal(got, b) {
		t.Fatalf("round trip differs: %d bytes, want %d", len(got), len(b))
	}
	return d
}

func applyBytes(delta, old []byte, opt ApplyOptions) ([]byte, error) {
	d, err := Open(bytes.NewReader(delta), int64(len(delta)))
	if err != nil {
		return nil, err
	}
	r, err := d.Apply(bytes.NewReader(old), int64(len(old)), opt)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func TestCreateRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	text, edited := editedText(rng, 200<<10)
	random := randomBytes(rng, 300<<10)
	cut := append(append([]byte(nil), random[:100<<10]...), random[150<<10:]...)
	for i := 0; i < len(cut); i += 9000 {
		cut[i] ^= 0x5A
	}
	cases := []struct {
		name string
		a, b []byte
	}{
		{"text edits", text, edited},
		{"random edits and a cut", random, cut},
		{"empty old", nil, text[:20000]},
		{"identical", text, text},
		{"empty new", text[:100], nil},
		{"both empty", nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := roundTrip(t, c.a, c.b, CreateOptions{})
			t.Logf("%d -> %d bytes: delta %d bytes", len(c.a), len(c.b), len(d))
		})
	}
}

func TestCreateHeader(t *testing.T) {
	ts := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	a, b := []byte("old contents, old contents, old contents"), []byte("new contents, old contents, new contents")
	d, err := CreateBytes(a, b, CreateOptions{Timestamp: ts, AllowLarger: true})
	if err != nil {
		t.Fatal(err)
	}
	h, err := ReadHeader(bytes.NewReader(d))
	if err != nil {
		t.Fatal(err)
	}
	if !h.Timestamp.Equal(ts) || h.Flags&FlagTimestamp == 0 || h.Flags&FlagLZXLarge != 0 {
		t.Fatalf("header %+v", h)
	}
	if len(h.Old) != 1 || h.Old[0].Normalizations != 0 || h.Old[0].Size != int64(len(a)) || h.NewSize != int64(len(b)) {
		t.Fatalf("header %+v", h)
	}
	if _, err := CreateBytes(a, b, CreateOptions{}); !errors.Is(err, ErrNotSmaller) {
		t.Fatalf("a 40-byte delta: %v, want ErrNotSmaller", err)
	}
	if _, err := Create(bytes.NewReader(nil), 20<<20, bytes.NewReader(nil), 13<<20, CreateOptions{}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("33 MiB: %v, want ErrTooLarge", err)
	}
}

// failingReaderAt fails every read past its first n bytes.
type failingReaderAt struct {
	b []byte
	n int64
}

var errRead = errors.New("read failed")

func (f failingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.n {
		return 0, errRead
	}
	return copy(p, f.b[off:]), nil
}

// TestApplyChecksOldWhileLoading: Apply, which checks the old file's CRC
// as it loads the window, refuses an old file of the right size but other
// bytes as ErrWrongFile and reports an old file it cannot read as such.
func TestApplyChecksOldWhileLoading(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	a, b := editedText(rng, 100<<10)
	d := roundTrip(t, a, b, CreateOptions{})
	wrong := bytes.Clone(a)
	wrong[len(wrong)/2] ^= 1
	if _, err := applyBytes(d, wrong, ApplyOptions{}); !errors.Is(err, ErrWrongFile) {
		t.Fatalf("same-size other old file: got %v, want ErrWrongFile", err)
	}
	dd, err := Open(bytes.NewReader(d), int64(len(d)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dd.Apply(failingReaderAt{a, int64(len(a) / 2)}, int64(len(a)), ApplyOptions{}); !errors.Is(err, errRead) || errors.Is(err, ErrCorrupt) {
		t.Fatalf("unreadable old file: got %v, want the read error", err)
	}
}
