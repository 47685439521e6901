package payload

import (
	"encoding/binary"
	"io"
)

// peLayout is what the payload and Authenticode need from a PE file's
// headers: where the checksum and the certificate-table directory entry
// are (both excluded from the Authenticode digest) and where the
// certificate table is.
type peLayout struct {
	checksumOff int64 // the OptionalHeader.CheckSum field
	certDirOff  int64 // the IMAGE_DIRECTORY_ENTRY_SECURITY entry (8 bytes)
	certOff     int64 // file offset of the certificate table (0: unsigned)
	certSize    int64
}

// signed reports whether the file has a certificate table.
func (l *peLayout) signed() bool { return l.certOff != 0 && l.certSize != 0 }

// readPELayout parses the headers of the PE file r (size bytes). ok is
// false when r is not a PE file (an ELF stub, say); err is set when it is
// one but its headers are damaged.
func readPELayout(r io.ReaderAt, size int64) (l peLayout, ok bool, err error) {
	var dos [64]byte
	if size < int64(len(dos)) {
		return l, false, nil
	}
	if _, err := r.ReadAt(dos[:], 0); err != nil {
		return l, false, err
	}
	if dos[0] != 'M' || dos[1] != 'Z' {
		return l, false, nil
	}
	peOff := int64(binary.LittleEndian.Uint32(dos[0x3c:]))
	// Signature (4) + COFF header (20) + the optional header up to the end of
	// the security directory entry (PE32+: 112 + 5*8).
	var h [4 + 20 + 152]byte
	if peOff <= 0 || peOff+int64(len(h)) > size {
		return l, false, nil
	}
	if _, err := r.ReadAt(h[:], peOff); err != nil {
		return l, false, err
	}
	if string(h[:4]) != "PE\x00\x00" {
		return l, false, nil
	}
	optSize := int64(binary.LittleEndian.Uint16(h[4+16:]))
	opt := int64(4 + 20)
	var dirs, nDirsAt int64
	switch binary.LittleEndian.Uint16(h[opt:]) {
	case 0x10b: // PE32
		nDirsAt, dirs = 92, 96
	case 0x20b: // PE32+
		nDirsAt, dirs = 108, 112
	default:
		return l, true, errBadPE("unknown optional header magic")
	}
	if n := binary.LittleEndian.Uint32(h[opt+nDirsAt:]); n <= 4 || optSize < dirs+5*8 {
		return l, true, errBadPE("no certificate-table directory")
	}
	sec := opt + dirs + 4*8
	l.checksumOff = peOff + opt + 64
	l.certDirOff = peOff + sec
	l.certOff = int64(binary.LittleEndian.Uint32(h[sec:]))
	l.certSize = int64(binary.LittleEndian.Uint32(h[sec+4:]))
	if l.certOff == 0 && l.certSize == 0 {
		return l, true, nil
	}
	if l.certOff == 0 || l.certSize < 8 || l.certOff+l.certSize > size || l.certOff < l.certDirOff+8 {
		return l, true, errBadPE("certificate table outside the file")
	}
	return l, true, nil
}
