package delta

import (
	"bytes"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"

	"github.com/ohotfix/ohotfix/cab/lzx"
)

// Apply returns a reader of the new file rebuilt from old (oldSize bytes;
// 0 for a delta made without an old file). The old file is matched first
// (ErrWrongFile); the reader then yields the new file and, instead of the
// final io.EOF, ErrCorrupt when the rebuilt file fails its CRC or
// ErrNotNecessary (FailIfExact) when it equals the old file. So a caller
// must read to the end before trusting the bytes; write them to a
// temporary file. Memory: the LZX window (old plus new file, at most
// 32 MiB) plus about 200 KiB, whatever the file sizes.
func (d *Delta) Apply(old io.ReaderAt, oldSize int64, opt ApplyOptions) (io.Reader, error) {
	// The old file is read once: when it can only be one old file of the
	// delta, its CRC is taken as the window is loaded (the same bytes
	// Match hashes); otherwise Check matches it first.
	f := d.onlyStreamCandidate(oldSize)
	var refCRC hash.Hash32
	if f != nil {
		refCRC = crc32.NewIEEE()
	} else {
		var err error
		if f, err = d.Check(old, oldSize, opt); err != nil {
			return nil, err
		}
		if f.StreamOffset+f.StreamSize > d.size {
			return nil, ErrHeaderOnly
		}
	}
	// The reference data: the old file with its ignore and retain ranges
	// zeroed (the encoder saw zeros there).
	ref := &zeroedReader{r: old, size: f.Size, spans: oldSpans(f, true)}
	var src io.Reader
	switch {
	case f.StreamSize != 0:
		bits := lzx.DeltaWindowBits(f.Size, d.NewSize, d.windowBits())
		stream := io.NewSectionReader(d.r, f.StreamOffset, f.StreamSize)
		var refR io.Reader = ref
		if refCRC != nil {
			refR = io.TeeReader(ref, refCRC)
		}
		var err error
		src, err = lzx.NewDeltaReader(stream, bits, refR, f.Size, d.NewSize)
		if err != nil {
			if refCRC != nil {
				// As Check would: a wrong or unreadable old file first.
				if _, merr := d.Match(old, oldSize); merr != nil {
					return nil, merr
				}
			}
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		if refCRC != nil && refCRC.Sum32() != f.CRC {
			return nil, ErrWrongFile
		}
	case f.Size == d.NewSize:
		// No stream: the files were the same (up to ignored ranges).
		src = ref
	default:
		return nil, corrupt("no stream, and the old file (%d bytes) is not the size of the new one (%d)", f.Size, d.NewSize)
	}
	a := &applyReader{d: d, f: f, src: src, old: old, crc: crc32.NewIEEE(), retain: newSpans(f)}
	if opt.FailIfExact && f.Size == d.NewSize {
		a.exact = true
		a.ref = &zeroedReader{r: old, size: f.Size, spans: oldSpans(f, true)}
		a.cmp = make([]byte, 32<<10)
	}
	return a, nil
}

// onlyStreamCandidate returns the old file of the delta that an old file of
// oldSize can only be, when Apply may check its CRC while loading it: the
// one old file of that size, with a stream that the delta holds and that
// fits the window (else nil: Apply checks with Check, whose errors come
// in its order).
func (d *Delta) onlyStreamCandidate(oldSize int64) *OldFile {
	var f *OldFile
	for i := range d.Old {
		if d.Old[i].Size != oldSize {
			continue
		}
		if f != nil {
			return nil
		}
		f = &d.Old[i]
	}
	if f == nil || f.StreamSize == 0 || f.StreamOffset+f.StreamSize > d.size || f.Size > int64(1)<<d.windowBits() {
		return nil
	}
	return f
}

// applyReader finishes the decoder's output: retained ranges copied from the
// old file, the CRC and the exact-match test.
type applyReader struct {
	d      *Delta
	f      *OldFile
	src    io.Reader
	old    io.ReaderAt
	pos    int64
	crc    hash.Hash32
	retain []span
	err    error

	exact bool          // FailIfExact and every byte so far equals ref's
	ref   *zeroedReader // the old file as the decoder saw it
	cmp   []byte
}

func (a *applyReader) Read(p []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	p = p[:min(int64(len(p)), a.d.NewSize-a.pos)]
	n, err := a.src.Read(p)
	if n > 0 {
		if ferr := a.finish(p[:n]); ferr != nil {
			a.err = ferr
			return 0, ferr
		}
	}
	switch {
	case err == io.EOF || (err == nil && a.pos == a.d.NewSize):
		if a.pos != a.d.NewSize {
			a.err = corrupt("the new file ends after %d of %d bytes", a.pos, a.d.NewSize)
		} else {
			a.err = a.verify()
		}
	case errors.Is(err, lzx.ErrCorrupt):
		a.err = fmt.Errorf("%w: %w", ErrCorrupt, err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		a.err = fmt.Errorf("%w: %w", ErrCorrupt, err)
	case err != nil:
		a.err = err
	}
	if a.err != nil && a.err != io.EOF {
		return 0, a.err
	}
	return n, nil
}

// finish processes new-file bytes p at a.pos.
func (a *applyReader) finish(p []byte) error {
	// The CRC counts retain ranges as zeros, whatever the stream held there.
	zeroIn(p, a.pos, a.retain)
	a.crc.Write(p)
	for _, r := range a.f.Retain {
		s := max(r.NewOffset, a.pos)
		e := min(r.NewOffset+r.Length, a.pos+int64(len(p)))
		if s >= e {
			continue
		}
		if _, err := a.old.ReadAt(p[s-a.pos:e-a.pos], r.OldOffset+(s-r.NewOffset)); err != nil {
			return fmt.Errorf("delta: reading a retained range of the old file: %w", err)
		}
	}
	if a.exact {
		for q := p; len(q) > 0 && a.exact; {
			k := min(len(q), len(a.cmp))
			a.ref.pos = a.pos + int64(len(p)-len(q))
			if _, err := io.ReadFull(a.ref, a.cmp[:k]); err != nil {
				return err
			}
			a.exact = bytes.Equal(a.cmp[:k], q[:k])
			q = q[k:]
		}
	}
	a.pos += int64(len(p))
	return nil
}

// verify runs the checks at the end of the new file; io.EOF means success.
func (a *applyReader) verify() error {
	if got := a.crc.Sum32(); got != a.d.NewCRC {
		return corrupt("the rebuilt file's CRC-32 is 0x%08X, the delta expects 0x%08X", got, a.d.NewCRC)
	}
	if a.exact {
		return ErrNotNecessary
	}
	return io.EOF
}
