package delta

import (
	"hash/crc32"
	"io"
)

// Delta is an opened PA19 delta.
type Delta struct {
	Header
	r    io.ReaderAt
	size int64
}

// Open reads the header of the size-byte delta r and checks its CRC (the
// whole delta's CRC-32 is 0xFFFFFFFF). A delta holding only its header
// (what the MSI Patch.Header column stores) opens too: it can Check an old
// file but not Apply.
func Open(r io.ReaderAt, size int64) (*Delta, error) {
	h, err := ReadHeader(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, err
	}
	end := h.Size
	for _, f := range h.Old {
		end += f.StreamSize
	}
	// The CRC covers the header, the streams and the 4-byte adjustment, or
	// the whole file when it is shorter (a header alone).
	crcEnd := min(end+4, size)
	crc := crc32.NewIEEE()
	if _, err := io.Copy(crc, io.NewSectionReader(r, 0, crcEnd)); err != nil {
		return nil, err
	}
	if crc.Sum32() != 0xFFFFFFFF {
		return nil, corrupt("CRC-32 of the delta is 0x%08X, not 0xFFFFFFFF (damaged or truncated)", crc.Sum32())
	}
	return &Delta{Header: *h, r: r, size: size}, nil
}

// ApplyOptions are the options of Check and Apply.
type ApplyOptions struct {
	// FailIfExact refuses with ErrNotNecessary when the old file already
	// is the new file (APPLY_OPTION_FAIL_IF_EXACT).
	FailIfExact bool
}

// Match returns the first old file of the delta with the size and CRC of
// old, or ErrWrongFile.
func (d *Delta) Match(old io.ReaderAt, oldSize int64) (*OldFile, error) {
	for i := range d.Old {
		f := &d.Old[i]
		if f.Size != oldSize {
			continue
		}
		crc, err := crcOf(old, oldSize, oldSpans(f, f.StreamSize != 0))
		if err != nil {
			return nil, err
		}
		if crc == f.CRC {
			return f, nil
		}
	}
	return nil, ErrWrongFile
}

// Check tells whether the delta applies to old without rebuilding the new
// file: the old file matches, and the delta is supported (Windows'
// TestApplyPatchToFile). It works on a header-only delta.
func (d *Delta) Check(old io.ReaderAt, oldSize int64, opt ApplyOptions) (*OldFile, error) {
	f, err := d.Match(old, oldSize)
	if err != nil {
		return nil, err
	}
	if f.StreamSize == 0 && opt.FailIfExact {
		return f, ErrNotNecessary
	}
	if f.StreamSize != 0 && f.Size > int64(1)<<d.windowBits() {
		limit := "8 MiB"
		if d.Flags&FlagLZXLarge != 0 {
			limit = "32 MiB"
		}
		return f, unsupported("the old file (%d bytes) is larger than the %s LZX window: such deltas are interleaved, which is not supported", f.Size, limit)
	}
	return f, nil
}
