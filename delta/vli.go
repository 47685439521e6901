package delta

import "io"

// PA19's variable-length integers: 7 value bits per byte, low bits first,
// the last byte marked by bit 0x80; the signed form's first byte holds 6
// value bits and the sign (0x40). At most 9 bytes.
const maxVLIBytes = 9

func readUVLI(r io.ByteReader) (uint64, error) {
	var n uint64
	for i := range maxVLIBytes {
		b, err := r.ReadByte()
		if err != nil {
			return 0, truncated(err)
		}
		n |= uint64(b&0x7F) << (7 * i)
		if b&0x80 != 0 {
			return n, nil
		}
	}
	return 0, corrupt("variable-length number longer than %d bytes", maxVLIBytes)
}

func readSVLI(r io.ByteReader) (int64, error) {
	first, err := r.ReadByte()
	if err != nil {
		return 0, truncated(err)
	}
	n := int64(first & 0x3F)
	b := first
	for i := 1; b&0x80 == 0; i++ {
		if i == maxVLIBytes {
			return 0, corrupt("variable-length number longer than %d bytes", maxVLIBytes)
		}
		if b, err = r.ReadByte(); err != nil {
			return 0, truncated(err)
		}
		n |= int64(b&0x7F) << (7*i - 1)
	}
	if first&0x40 != 0 {
		n = -n
	}
	return n, nil
}

func appendUVLI(b []byte, n uint64) []byte {
	for n >= 0x80 {
		b = append(b, byte(n&0x7F))
		n >>= 7
	}
	return append(b, byte(n)|0x80)
}

func appendSVLI(b []byte, n int64) []byte {
	sign := byte(0)
	u := uint64(n)
	if n < 0 {
		sign, u = 0x40, uint64(-n)
	}
	if u < 0x40 {
		return append(b, byte(u)|sign|0x80)
	}
	b = append(b, byte(u&0x3F)|sign)
	return appendUVLI(b, u>>6)
}

// truncated turns the end of the data into a corruption error.
func truncated(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return corrupt("header ends early")
	}
	return err
}
