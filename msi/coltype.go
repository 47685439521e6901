package msi

import (
	"fmt"
	"strconv"
)

// ColumnType is the `_Columns.Type` word of a column (msipriv.h MSITYPE_*):
// the low byte is a size (string maximum length, 0 = unlimited; integer
// width 2 or 4), the high bits are flags.
type ColumnType uint16

// Column type bits.
const (
	typeSizeMask    ColumnType = 0x00FF
	TypeValid       ColumnType = 0x0100 // set on every persisted column
	TypeLocalizable ColumnType = 0x0200
	TypeShortInt    ColumnType = 0x0400 // strings and 16-bit integers
	TypeString      ColumnType = 0x0800
	TypeNullable    ColumnType = 0x1000
	TypeKey         ColumnType = 0x2000
	TypeTemporary   ColumnType = 0x4000

	// Canonical bases (no size, no nullable/key/localizable flags).
	TypeI2Base     ColumnType = TypeValid | TypeShortInt | 2          // 0x0502
	TypeI4Base     ColumnType = TypeValid | 4                         // 0x0104
	TypeStringBase ColumnType = TypeValid | TypeShortInt | TypeString // 0x0D00
	TypeBinaryBase ColumnType = TypeValid | TypeString                // 0x0900
)

// StringType returns the type of a string column of maximum length size
// (0 = unlimited).
func StringType(size int, nullable, key, localizable bool) ColumnType {
	t := TypeStringBase | ColumnType(size)&typeSizeMask
	return t.with(nullable, key, localizable)
}

// IntType returns the type of a 2- or 4-byte integer column.
func IntType(width int, nullable, key bool) ColumnType {
	t := TypeI2Base
	if width == 4 {
		t = TypeI4Base
	}
	return t.with(nullable, key, false)
}

// BinaryType returns the type of a binary (stream) column.
func BinaryType(nullable, key bool) ColumnType { return TypeBinaryBase.with(nullable, key, false) }

func (t ColumnType) with(nullable, key, localizable bool) ColumnType {
	if nullable {
		t |= TypeNullable
	}
	if key {
		t |= TypeKey
	}
	if localizable {
		t |= TypeLocalizable
	}
	return t
}

// IsBinary reports a binary column: its cells name a `Table.Key…` stream.
// Like Windows Installer, only the exact pattern 0x0900 (plus nullable)
// counts: a "binary" key column is a string column.
func (t ColumnType) IsBinary() bool { return t&^TypeNullable == TypeBinaryBase }

// IsString reports a string column (not binary).
func (t ColumnType) IsString() bool { return t&TypeString != 0 && !t.IsBinary() }

// IsInteger reports an integer column.
func (t ColumnType) IsInteger() bool { return t&TypeString == 0 }

func (t ColumnType) IsNullable() bool    { return t&TypeNullable != 0 }
func (t ColumnType) IsKey() bool         { return t&TypeKey != 0 }
func (t ColumnType) IsLocalizable() bool { return t&TypeLocalizable != 0 }
func (t ColumnType) IsTemporary() bool   { return t&TypeTemporary != 0 }

// Size is the low byte: string maximum length or integer width.
func (t ColumnType) Size() int { return int(t & typeSizeMask) }

// IntWidth is 2 or 4 for integer columns (a size of 2 or less means 2).
func (t ColumnType) IntWidth() int {
	if t.Size() <= 2 {
		return 2
	}
	return 4
}

// Width is the number of bytes a cell of this type takes in a table stream,
// given the string reference width (2 or 3). Binary cells take 2.
func (t ColumnType) Width(refWidth int) int {
	switch {
	case t.IsBinary():
		return 2
	case t.IsString():
		return refWidth
	default:
		return t.IntWidth()
	}
}

// Valid reports whether t describes a column this package can store:
// string/binary, or an integer of width 2 or 4.
func (t ColumnType) Valid() bool {
	if t.IsInteger() {
		return t.Size() == 2 || t.Size() == 4 || t.Size() == 1 || t.Size() == 0
	}
	return true
}

// IDT is the type code of an IDT file (and of msiinfo): s72, S0, l255, L64,
// i2, I2, i4, I4, v0, V0 — lower case unless nullable.
func (t ColumnType) IDT() string {
	// Same letter precedence and raw size byte as the Windows Installer's
	// column-info record (binary, localizable, string, integer).
	var c byte
	switch {
	case t.IsBinary():
		c = 'v'
	case t.IsLocalizable():
		c = 'l'
	case t&TypeString != 0:
		c = 's'
	default:
		c = 'i'
	}
	if t.IsNullable() {
		c -= 'a' - 'A'
	}
	return string(c) + strconv.Itoa(t.Size())
}

// ParseIDTType parses an IDT type code (s72, L0, i2, I4, v0...). key marks a
// primary-key column.
func ParseIDTType(code string, key bool) (ColumnType, error) {
	if len(code) < 1 {
		return 0, fmt.Errorf("empty column type")
	}
	size := 0
	if len(code) > 1 {
		n, err := strconv.Atoi(code[1:])
		if err != nil || n < 0 || n > 255 {
			return 0, fmt.Errorf("bad column type %q", code)
		}
		size = n
	}
	c := code[0]
	nullable := c >= 'A' && c <= 'Z'
	switch c | 0x20 {
	case 's':
		return StringType(size, nullable, key, false), nil
	case 'l':
		return StringType(size, nullable, key, true), nil
	case 'i':
		switch {
		case size <= 2:
			return IntType(2, nullable, key), nil
		case size == 4:
			return IntType(4, nullable, key), nil
		}
	case 'v':
		return BinaryType(nullable, key), nil
	}
	return 0, fmt.Errorf("bad column type %q", code)
}

// String is the IDT code plus flags, for messages.
func (t ColumnType) String() string {
	s := t.IDT()
	if t.IsKey() {
		s += " key"
	}
	return fmt.Sprintf("%s (%#04x)", s, uint16(t))
}
