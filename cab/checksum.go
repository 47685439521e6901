package cab

import "encoding/binary"

// checksum is the CFDATA checksum: an XOR of little-endian 32-bit words,
// seeded with seed, where the 1-3 trailing bytes are packed with the first
// byte most significant ([MS-CAB] 2.6; verified against gcab and rust-cab).
func checksum(b []byte, seed uint32) uint32 {
	c := seed
	n := len(b) &^ 15
	// Four words per step: this loop is on the hot path of every read.
	for i := 0; i < n; i += 16 {
		c ^= binary.LittleEndian.Uint32(b[i:]) ^ binary.LittleEndian.Uint32(b[i+4:]) ^
			binary.LittleEndian.Uint32(b[i+8:]) ^ binary.LittleEndian.Uint32(b[i+12:])
	}
	for ; n+4 <= len(b); n += 4 {
		c ^= binary.LittleEndian.Uint32(b[n:])
	}
	var t uint32
	switch len(b) - n {
	case 3:
		t = uint32(b[n])<<16 | uint32(b[n+1])<<8 | uint32(b[n+2])
	case 2:
		t = uint32(b[n])<<8 | uint32(b[n+1])
	case 1:
		t = uint32(b[n])
	}
	return c ^ t
}

// blockChecksum is the csum field of a CFDATA with the given payload and
// size fields: the payload sum continued over cbData and cbUncomp (which is
// word-aligned, so it is the same as seeding with them).
func blockChecksum(payload []byte, cbData, cbUncomp uint16) uint32 {
	return checksum(payload, 0) ^ (uint32(cbData) | uint32(cbUncomp)<<16)
}

// blockChecksumWithReserve is Wine FCI's reading of the spec: the reserve
// area is summed too, after the two size fields.
func blockChecksumWithReserve(payload, reserve []byte, cbData, cbUncomp uint16) uint32 {
	hdr := make([]byte, 4+len(reserve))
	binary.LittleEndian.PutUint16(hdr, cbData)
	binary.LittleEndian.PutUint16(hdr[2:], cbUncomp)
	copy(hdr[4:], reserve)
	return checksum(hdr, checksum(payload, 0))
}
