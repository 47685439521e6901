package msi

import "encoding/binary"

// A stored cell is an unsigned little-endian value 2, 3 or 4 bytes wide
// (ColumnType.Width). Table streams and transform records share this form,
// so both codecs read, write and interpret cells through these functions.

// ReadCell reads the stored value of a cell width bytes wide at the start
// of b (len(b) >= width).
func ReadCell(b []byte, width int) uint32 {
	switch width {
	case 2:
		return uint32(binary.LittleEndian.Uint16(b))
	case 3:
		return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16
	default:
		return binary.LittleEndian.Uint32(b)
	}
}

// AppendCell appends the stored value u as a cell width bytes wide.
func AppendCell(out []byte, width int, u uint32) []byte {
	switch width {
	case 2:
		return binary.LittleEndian.AppendUint16(out, uint16(u))
	case 3:
		return append(out, byte(u), byte(u>>8), byte(u>>16))
	default:
		return binary.LittleEndian.AppendUint32(out, u)
	}
}

// DecodeCell is the value of col whose stored form, width bytes wide, is u.
// A binary cell decodes to Binary("") (the caller names its stream). ok is
// false when u is a string id beyond pool.
func DecodeCell(col Column, width int, u uint32, pool *StringPool) (v Value, ok bool) {
	switch {
	case col.Type.IsBinary():
		if u != 0 {
			return Value{kind: KindBinary}, true
		}
	case col.Type&TypeString != 0:
		s, ok := pool.String(u)
		if !ok {
			return Null, false
		}
		return Str(s), true
	case width == 2:
		if u != 0 {
			return Int(int32(u) - 0x8000), true
		}
	default:
		if u != 0 {
			return Int(int32(u ^ 0x80000000)), true
		}
	}
	return Null, true
}
