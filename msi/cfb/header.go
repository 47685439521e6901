package cfb

import (
	"bytes"
	"encoding/binary"
)

// header is the decoded first 512 bytes of a compound file (MS-CFB 2.2).
type header struct {
	version       int
	sectorShift   uint
	numDirSectors uint32
	numFAT        uint32
	firstDir      uint32
	miniCutoff    uint32
	firstMiniFAT  uint32
	numMiniFAT    uint32
	firstDIFAT    uint32
	numDIFAT      uint32
	difat         [headerDIFATLen]uint32
}

// parseHeader checks the fixed fields strictly: only the combinations the
// spec allows (v3/512, v4/4096, 64-byte mini sectors, cutoff 4096) are
// accepted, which keeps every later size computation simple and safe.
func parseHeader(b []byte) (*header, error) {
	if len(b) < headerSize {
		return nil, formatErr("file is %d bytes, shorter than the %d-byte header", len(b), headerSize)
	}
	if !bytes.Equal(b[:8], signature[:]) {
		return nil, formatErr("bad signature % x", b[:8])
	}
	le := binary.LittleEndian
	h := &header{}
	major := le.Uint16(b[0x1A:])
	if le.Uint16(b[0x1C:]) != 0xFFFE {
		return nil, formatErr("bad byte order mark %#04x", le.Uint16(b[0x1C:]))
	}
	shift := le.Uint16(b[0x1E:])
	switch {
	case major == 3 && shift == 9:
	case major == 4 && shift == 12:
	default:
		return nil, formatErr("unsupported version %d with sector shift %d", major, shift)
	}
	h.version = int(major)
	h.sectorShift = uint(shift)
	if ms := le.Uint16(b[0x20:]); ms != miniSectorShift {
		return nil, formatErr("unsupported mini sector shift %d", ms)
	}
	h.numDirSectors = le.Uint32(b[0x28:])
	h.numFAT = le.Uint32(b[0x2C:])
	h.firstDir = le.Uint32(b[0x30:])
	h.miniCutoff = le.Uint32(b[0x38:])
	if h.miniCutoff != miniStreamCutoff {
		return nil, formatErr("unsupported mini stream cutoff %d", h.miniCutoff)
	}
	h.firstMiniFAT = le.Uint32(b[0x3C:])
	h.numMiniFAT = le.Uint32(b[0x40:])
	h.firstDIFAT = le.Uint32(b[0x44:])
	h.numDIFAT = le.Uint32(b[0x48:])
	for i := range h.difat {
		h.difat[i] = le.Uint32(b[0x4C+4*i:])
	}
	return h, nil
}
