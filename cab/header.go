package cab

import (
	"bytes"
	"encoding/binary"
	"io"
	"time"
)

// On-disk sizes and flag values of the cabinet structures ([MS-CAB]).
const (
	headerSize     = 36 // fixed part of CFHEADER
	folderSize     = 8  // fixed part of CFFOLDER
	fileEntrySize  = 16 // fixed part of CFFILE (before the name)
	dataHeaderSize = 8  // fixed part of CFDATA

	flagPrevCabinet     = 0x0001
	flagNextCabinet     = 0x0002
	flagReservePresent  = 0x0004
	maxNameLen          = 255 // bytes, without the NUL
	maxHeaderReserve    = 60000
	blockSize           = 32768        // uncompressed bytes per CFDATA block
	maxBlockInput       = 32768 + 6144 // largest cbData accepted (LZX worst case)
	maxFolderBlocks     = 65535
	maxFolderSize       = maxFolderBlocks * blockSize // 0x7FFF8000
	maxCabinetSize      = 0x7FFFFFFF
	iFolderContPrev     = 0xFFFD
	iFolderContNext     = 0xFFFE
	iFolderContPrevNext = 0xFFFF
)

var signature = []byte("MSCF")

// Header is the CFHEADER of one cabinet, with its optional parts decoded.
type Header struct {
	Size          uint32 // cbCabinet: total size of this cabinet in bytes
	FilesOffset   uint32 // coffFiles
	VersionMinor  uint8
	VersionMajor  uint8
	NumFolders    uint16
	NumFiles      uint16
	Flags         uint16 // PREV_CABINET 1, NEXT_CABINET 2, RESERVE_PRESENT 4
	SetID         uint16
	Index         uint16 // iCabinet: 0-based position in the set
	Reserve       []byte // abReserve of the header (Authenticode locator ...)
	FolderReserve int    // cbCFFolder: reserve bytes after each CFFOLDER
	DataReserve   int    // cbCFData: reserve bytes after each CFDATA header
	PrevCabinet   string // szCabinetPrev (only with PREV_CABINET)
	PrevDisk      string
	NextCabinet   string // szCabinetNext (only with NEXT_CABINET)
	NextDisk      string
}

// HasPrev reports whether the cabinet continues a previous one of a set.
func (h *Header) HasPrev() bool { return h.Flags&flagPrevCabinet != 0 }

// HasNext reports whether the set continues in another cabinet.
func (h *Header) HasNext() bool { return h.Flags&flagNextCabinet != 0 }

// Attribute bits of CFFILE.attribs.
const (
	AttrReadOnly  = 0x01
	AttrHidden    = 0x02
	AttrSystem    = 0x04
	AttrArchive   = 0x20
	AttrExec      = 0x40 // "run after extraction"
	AttrNameIsUTF = 0x80 // the name is UTF-8 (otherwise a legacy code page)
)

// FileHeader describes a member: what the reader found, or what a writer
// should store.
type FileHeader struct {
	// Name is the member name decoded to UTF-8, with the cabinet's own `\`
	// separators kept. Names without the UTF-8 attribute are decoded as
	// ISO-8859-1, as cabextract does.
	Name       string
	RawName    []byte    // the stored bytes (reader only)
	Size       int64     // uncompressed size (reader only; the writer counts)
	Modified   time.Time // MS-DOS date/time; the reader returns it in UTC
	Attributes uint16    // Attr* bits
}

// byteReader reads little-endian fields out of a header buffer.
type byteReader struct {
	b   []byte
	off int
}

func (r *byteReader) u8() uint8   { v := r.b[r.off]; r.off++; return v }
func (r *byteReader) u16() uint16 { v := binary.LittleEndian.Uint16(r.b[r.off:]); r.off += 2; return v }
func (r *byteReader) u32() uint32 { v := binary.LittleEndian.Uint32(r.b[r.off:]); r.off += 4; return v }

// readFull reads exactly n bytes at off, or reports ErrTruncated naming what.
func readFull(r io.ReaderAt, off int64, n int, what string) ([]byte, error) {
	buf := make([]byte, n)
	got, err := r.ReadAt(buf, off)
	if got == n {
		return buf, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return nil, wrapErr(ErrTruncated, err, "%s at offset %d", what, off)
}

// readString reads a NUL-terminated string of at most maxNameLen bytes at
// off, returning it and the offset after the NUL.
func readString(r io.ReaderAt, off, end int64, what string) ([]byte, int64, error) {
	buf := make([]byte, maxNameLen+1)
	if avail := end - off; avail < int64(len(buf)) {
		if avail <= 0 {
			return nil, 0, wrapErr(ErrTruncated, io.ErrUnexpectedEOF, "%s at offset %d", what, off)
		}
		buf = buf[:avail]
	}
	n, err := r.ReadAt(buf, off)
	if n < len(buf) && err != nil && err != io.EOF {
		return nil, 0, wrapErr(ErrTruncated, err, "%s at offset %d", what, off)
	}
	buf = buf[:n]
	i := bytes.IndexByte(buf, 0)
	if i < 0 {
		if n <= maxNameLen {
			return nil, 0, wrapErr(ErrTruncated, io.ErrUnexpectedEOF, "%s at offset %d", what, off)
		}
		return nil, 0, newErr(ErrFormat, "%s at offset %d is longer than %d bytes", what, off, maxNameLen)
	}
	return buf[:i:i], off + int64(i) + 1, nil
}

// parseHeader decodes the CFHEADER at the start of r (size bytes long) and
// returns it with the offset of the first CFFOLDER.
func parseHeader(r io.ReaderAt, size int64) (*Header, int64, error) {
	if size < headerSize {
		if size >= 4 {
			if b, err := readFull(r, 0, 4, "signature"); err == nil && !bytes.Equal(b, signature) {
				return nil, 0, newErr(ErrSignature, "")
			}
		}
		return nil, 0, wrapErr(ErrTruncated, io.ErrUnexpectedEOF, "header (%d bytes)", size)
	}
	b, err := readFull(r, 0, headerSize, "header")
	if err != nil {
		return nil, 0, err
	}
	if !bytes.Equal(b[:4], signature) {
		return nil, 0, newErr(ErrSignature, "")
	}
	br := &byteReader{b: b, off: 8}
	h := &Header{}
	h.Size = br.u32()
	br.off += 4
	h.FilesOffset = br.u32()
	br.off += 4
	h.VersionMinor = br.u8()
	h.VersionMajor = br.u8()
	h.NumFolders = br.u16()
	h.NumFiles = br.u16()
	h.Flags = br.u16()
	h.SetID = br.u16()
	h.Index = br.u16()
	if h.NumFolders == 0 {
		return nil, 0, newErr(ErrFormat, "no folders")
	}
	if h.NumFiles == 0 {
		return nil, 0, newErr(ErrFormat, "no files")
	}
	if h.Size > maxCabinetSize {
		return nil, 0, newErr(ErrLimit, "cabinet size %d", h.Size)
	}
	pos := int64(headerSize)
	if h.Flags&flagReservePresent != 0 {
		rb, err := readFull(r, pos, 4, "reserve sizes")
		if err != nil {
			return nil, 0, err
		}
		pos += 4
		hres := int(binary.LittleEndian.Uint16(rb))
		h.FolderReserve = int(rb[2])
		h.DataReserve = int(rb[3])
		if hres > maxHeaderReserve {
			return nil, 0, newErr(ErrLimit, "header reserve of %d bytes", hres)
		}
		if hres > 0 {
			if h.Reserve, err = readFull(r, pos, hres, "header reserve"); err != nil {
				return nil, 0, err
			}
			pos += int64(hres)
		}
	}
	str := func(what string) (string, error) {
		s, next, err := readString(r, pos, size, what)
		if err != nil {
			return "", err
		}
		pos = next
		return string(s), nil
	}
	if h.HasPrev() {
		if h.PrevCabinet, err = str("previous cabinet name"); err != nil {
			return nil, 0, err
		}
		if h.PrevDisk, err = str("previous disk name"); err != nil {
			return nil, 0, err
		}
	}
	if h.HasNext() {
		if h.NextCabinet, err = str("next cabinet name"); err != nil {
			return nil, 0, err
		}
		if h.NextDisk, err = str("next disk name"); err != nil {
			return nil, 0, err
		}
	}
	return h, pos, nil
}

// msdosTime converts MS-DOS date and time words; invalid fields are clamped
// the way Windows does not complain about (month 0 → January ...).
func msdosTime(date, tm uint16) time.Time {
	return time.Date(
		int(date>>9)+1980,
		time.Month(date>>5&0xf),
		int(date&0x1f),
		int(tm>>11),
		int(tm>>5&0x3f),
		int(tm&0x1f)*2,
		0, time.UTC)
}

// timeToMSDOS converts t (its wall clock in its own location) to MS-DOS
// date and time words, clamping to the representable 1980..2107 range and
// rounding seconds down to even.
func timeToMSDOS(t time.Time) (date, tm uint16) {
	if t.IsZero() || t.Year() < 1980 {
		return 0<<9 | 1<<5 | 1, 0
	}
	if t.Year() > 2107 {
		return 127<<9 | 12<<5 | 31, 23<<11 | 59<<5 | 29
	}
	date = uint16(t.Year()-1980)<<9 | uint16(t.Month())<<5 | uint16(t.Day())
	tm = uint16(t.Hour())<<11 | uint16(t.Minute())<<5 | uint16(t.Second()/2)
	return date, tm
}
