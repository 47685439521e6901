package delta

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"time"
)

// Option flags of the PA19 header (PATCH_OPTION_* of patchapi.h).
const (
	FlagLZXA          = 0x00000001 // LZX for any file
	FlagLZXB          = 0x00000002 // LZX for x86 executables
	FlagLZXLarge      = 0x00000004 // windows up to 32 MiB (else 8 MiB)
	FlagNoBindFix     = 0x00010000
	FlagNoLockFix     = 0x00020000
	FlagNoRebase      = 0x00040000 // no rebase field in the header
	FlagFailIfSame    = 0x00080000
	FlagFailIfBigger  = 0x00100000
	FlagNoChecksum    = 0x00200000
	FlagNoResTimeFix  = 0x00400000
	FlagTimestamp     = 0x00800000 // PATCH_OPTION_NO_TIMESTAMP; in a file it means a timestamp is present
	FlagSignatureMD5  = 0x01000000
	FlagInterleave    = 0x40000000 // interleaved streams (refused)
	FlagExtraFlags    = 0x80000000 // a second flags word follows
	supportedFlags    = FlagLZXA | FlagLZXB | FlagLZXLarge | FlagNoBindFix | FlagNoLockFix | FlagNoRebase | FlagFailIfSame | FlagFailIfBigger | FlagNoChecksum | FlagNoResTimeFix | FlagTimestamp | FlagExtraFlags
	magic             = "PA19"
	maxRanges         = 255
	normalWindowBits  = 23 // 8 MiB
	largeWindowBits   = 25 // 32 MiB with FlagLZXLarge
	maxHeaderFileSize = math.MaxUint32
)

// Header is a PA19 header: everything before the LZXD streams.
type Header struct {
	Flags      uint32
	ExtraFlags uint32    // only with FlagExtraFlags
	Timestamp  time.Time // the new file's time; zero when absent
	Rebase     uint64    // i386 rebase value, absent with FlagNoRebase
	NewSize    int64
	NewCRC     uint32 // CRC-32 of the new file, its retain ranges as zeros
	Old        []OldFile
	Size       int64 // bytes of the header; the first stream starts here
}

// OldFile describes one old file the delta was made from.
type OldFile struct {
	Size   int64
	CRC    uint32 // CRC-32 of the old file with its ranges as zeros (see doc)
	Ignore []Range
	Retain []RetainRange
	// Normalizations counts i386 PE-normalisation entries; a delta with
	// any is refused (ErrUnsupported) and its header is not read further.
	Normalizations uint64
	StreamSize     int64
	StreamOffset   int64 // where the stream starts in the delta
}

// Range is a part of the old file that the delta ignores: it is zeroed in
// the reference data (changes there do not matter).
type Range struct{ Offset, Length int64 }

// RetainRange is a part of the old file copied unchanged into the new file
// (at NewOffset), outside the compressed stream.
type RetainRange struct{ OldOffset, NewOffset, Length int64 }

// windowBits is the largest LZXD window the delta's flags allow.
func (h *Header) windowBits() int {
	if h.Flags&FlagLZXLarge != 0 {
		return largeWindowBits
	}
	return normalWindowBits
}

// countingReader counts the bytes taken from a buffered reader.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

func (c *countingReader) u32() (uint32, error) {
	var b [4]byte
	for i := range b {
		x, err := c.ReadByte()
		if err != nil {
			return 0, truncated(err)
		}
		b[i] = x
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}

// ReadHeader parses a PA19 header from r. Refusals: ErrCorrupt (damage,
// values out of range), ErrUnsupported (unknown flags, interleaving, i386
// PE normalisation). With ErrUnsupported the header read so far is
// returned too, for display.
func ReadHeader(r io.Reader) (*Header, error) {
	c := &countingReader{r: bufio.NewReaderSize(r, 4096)}
	h := &Header{}
	err := h.read(c)
	h.Size = c.n
	return h, err
}

func (h *Header) read(c *countingReader) error {
	var m [4]byte
	for i := range m {
		b, err := c.ReadByte()
		if err != nil {
			return truncated(err)
		}
		m[i] = b
	}
	if string(m[:]) != magic {
		return corrupt("no PA19 signature")
	}
	var err error
	if h.Flags, err = c.u32(); err != nil {
		return err
	}
	if h.Flags&FlagInterleave != 0 {
		return unsupported("interleaved streams (flag 0x%08X) are not supported", uint32(FlagInterleave))
	}
	if extra := h.Flags &^ supportedFlags; extra != 0 {
		return unsupported("unknown option flags 0x%08X", extra)
	}
	if h.Flags&FlagExtraFlags != 0 {
		if h.ExtraFlags, err = c.u32(); err != nil {
			return err
		}
	}
	if h.Flags&FlagTimestamp != 0 {
		ts, err := c.u32()
		if err != nil {
			return err
		}
		h.Timestamp = time.Unix(int64(ts), 0).UTC()
	}
	if h.Flags&FlagNoRebase == 0 {
		if h.Rebase, err = readUVLI(c); err != nil {
			return err
		}
	}
	size, err := readUVLI(c)
	if err != nil {
		return err
	}
	if size > maxHeaderFileSize {
		return corrupt("new file size %d", size)
	}
	h.NewSize = int64(size)
	if h.NewCRC, err = c.u32(); err != nil {
		return err
	}
	count, err := c.ReadByte()
	if err != nil {
		return truncated(err)
	}
	if count == 0 {
		return corrupt("no old file")
	}
	for i := range int(count) {
		f, err := readOldFile(c, h, i)
		if f != nil {
			h.Old = append(h.Old, *f)
		}
		if err != nil {
			return err
		}
	}
	off := c.n
	for i := range h.Old {
		h.Old[i].StreamOffset = off
		off += h.Old[i].StreamSize
	}
	return nil
}

func readOldFile(c *countingReader, h *Header, index int) (*OldFile, error) {
	f := &OldFile{}
	diff, err := readSVLI(c)
	if err != nil {
		return nil, err
	}
	f.Size = h.NewSize + diff
	if f.Size < 0 || f.Size > maxHeaderFileSize {
		return nil, corrupt("old file %d: size %d", index+1, f.Size)
	}
	if f.CRC, err = c.u32(); err != nil {
		return nil, err
	}
	n, err := c.ReadByte()
	if err != nil {
		return nil, truncated(err)
	}
	var prevEnd int64
	for range int(n) {
		o, err := readSVLI(c)
		if err != nil {
			return nil, err
		}
		l, err := readUVLI(c)
		if err != nil {
			return nil, err
		}
		r := Range{Offset: prevEnd + o, Length: int64(min(l, maxHeaderFileSize+1))}
		if r.Offset < 0 || r.Offset+r.Length > f.Size {
			return nil, corrupt("old file %d: ignore range %d+%d outside the file (%d bytes)", index+1, r.Offset, r.Length, f.Size)
		}
		f.Ignore = append(f.Ignore, r)
		prevEnd = r.Offset + r.Length
	}
	if n, err = c.ReadByte(); err != nil {
		return nil, truncated(err)
	}
	prevEnd = 0
	for i := range int(n) {
		o, err := readSVLI(c)
		if err != nil {
			return nil, err
		}
		shift, err := readSVLI(c)
		if err != nil {
			return nil, err
		}
		l, err := readUVLI(c)
		if err != nil {
			return nil, err
		}
		r := RetainRange{OldOffset: prevEnd + o, Length: int64(min(l, maxHeaderFileSize+1))}
		r.NewOffset = r.OldOffset + shift
		if r.OldOffset < 0 || r.OldOffset+r.Length > f.Size || r.NewOffset < 0 || r.NewOffset+r.Length > h.NewSize {
			return nil, corrupt("old file %d: retain range %d->%d+%d outside the files", index+1, r.OldOffset, r.NewOffset, r.Length)
		}
		// The ranges in the new file are the same for every old file.
		if index > 0 {
			first := h.Old[0].Retain
			if i >= len(first) || first[i].NewOffset != r.NewOffset || first[i].Length != r.Length {
				return nil, corrupt("old file %d: retain range %d differs from the first old file's", index+1, i+1)
			}
		}
		f.Retain = append(f.Retain, r)
		prevEnd = r.OldOffset + r.Length
	}
	if f.Normalizations, err = readUVLI(c); err != nil {
		return nil, err
	}
	if f.Normalizations != 0 {
		return f, unsupported("old file %d: i386 PE normalisation (%d entries; mspatchc's default for 32-bit executables) is not supported", index+1, f.Normalizations)
	}
	size, err := readUVLI(c)
	if err != nil {
		return nil, err
	}
	if size > maxHeaderFileSize {
		return nil, corrupt("old file %d: stream size %d", index+1, size)
	}
	f.StreamSize = int64(size)
	return f, nil
}

// append encodes h (old files without ranges) for Create.
func (h *Header) append(b []byte) []byte {
	b = append(b, magic...)
	b = binary.LittleEndian.AppendUint32(b, h.Flags)
	if h.Flags&FlagTimestamp != 0 {
		b = binary.LittleEndian.AppendUint32(b, uint32(h.Timestamp.Unix()))
	}
	b = appendUVLI(b, uint64(h.NewSize))
	b = binary.LittleEndian.AppendUint32(b, h.NewCRC)
	b = append(b, byte(len(h.Old)))
	for _, f := range h.Old {
		b = appendSVLI(b, f.Size-h.NewSize)
		b = binary.LittleEndian.AppendUint32(b, f.CRC)
		b = append(b, 0, 0)  // no ignore or retain ranges
		b = appendUVLI(b, 0) // no normalisation entries
		b = appendUVLI(b, uint64(f.StreamSize))
	}
	return b
}

// FlagNames names the option flags set in flags, for display.
func FlagNames(flags uint32) string {
	names := []struct {
		bit  uint32
		name string
	}{{FlagLZXA, "LZX_A"}, {FlagLZXB, "LZX_B"}, {FlagLZXLarge, "LZX_LARGE"}, {FlagNoBindFix, "NO_BINDFIX"},
		{FlagNoLockFix, "NO_LOCKFIX"}, {FlagNoRebase, "NO_REBASE"}, {FlagFailIfSame, "FAIL_IF_SAME_FILE"},
		{FlagFailIfBigger, "FAIL_IF_BIGGER"}, {FlagNoChecksum, "NO_CHECKSUM"}, {FlagNoResTimeFix, "NO_RESTIMEFIX"},
		{FlagTimestamp, "TIMESTAMP"}, {FlagSignatureMD5, "SIGNATURE_MD5"}, {FlagInterleave, "INTERLEAVE_FILES"},
		{FlagExtraFlags, "EXTRA_FLAGS"}}
	s := ""
	for _, n := range names {
		if flags&n.bit != 0 {
			if s != "" {
				s += "|"
			}
			s += n.name
			flags &^= n.bit
		}
	}
	if flags != 0 {
		if s != "" {
			s += "|"
		}
		s += fmt.Sprintf("0x%X", flags)
	}
	return s
}
