package cab

import "fmt"

// Method is the compression method of a folder (typeCompress & 0x000F).
type Method uint8

const (
	MethodNone    Method = 0
	MethodMSZIP   Method = 1
	MethodQuantum Method = 2
	MethodLZX     Method = 3
)

func (m Method) String() string {
	switch m {
	case MethodNone:
		return "None"
	case MethodMSZIP:
		return "MSZIP"
	case MethodQuantum:
		return "Quantum"
	case MethodLZX:
		return "LZX"
	}
	return fmt.Sprintf("method-%d", uint8(m))
}

// Compression is a raw CFFOLDER typeCompress word.
type Compression uint16

// Method is the low nibble of the word.
func (c Compression) Method() Method { return Method(c & 0x000F) }

// WindowBits is the window size exponent of LZX and Quantum (bits 8-12).
func (c Compression) WindowBits() int { return int(c>>8) & 0x1F }

// Level is the Quantum compression level (bits 4-7).
func (c Compression) Level() int { return int(c>>4) & 0x0F }

// LZX returns the typeCompress word for LZX with a 2^windowBits window.
func LZX(windowBits int) Compression { return Compression(uint16(windowBits)<<8 | uint16(MethodLZX)) }

// Validate reports ErrUnsupported for a method or parameter outside the
// format (window sizes: LZX 15..21, Quantum 10..21).
func (c Compression) Validate() error {
	switch c.Method() {
	case MethodNone, MethodMSZIP:
		return nil
	case MethodLZX:
		if w := c.WindowBits(); w < 15 || w > 21 {
			return newErr(ErrUnsupported, "LZX window of 2^%d bytes", w)
		}
		return nil
	case MethodQuantum:
		if w := c.WindowBits(); w < 10 || w > 21 {
			return newErr(ErrUnsupported, "Quantum window of 2^%d bytes", w)
		}
		return nil
	}
	return newErr(ErrUnsupported, "type 0x%04X", uint16(c))
}

// String renders the compression the way 7-Zip lists it: "None", "MSZIP",
// "LZX:21", "Quantum:7:21".
func (c Compression) String() string {
	switch c.Method() {
	case MethodLZX:
		return fmt.Sprintf("LZX:%d", c.WindowBits())
	case MethodQuantum:
		return fmt.Sprintf("Quantum:%d:%d", c.Level(), c.WindowBits())
	}
	return c.Method().String()
}
