package msi

import (
	"fmt"
	"math"
	"strconv"
)

// Kind is the kind of a cell value.
type Kind uint8

const (
	KindNull   Kind = iota // NULL (also the empty string: MSI cannot tell them apart)
	KindInt                // integer column value
	KindString             // string column value
	KindBinary             // binary column value; the data is in a stream
)

func (k Kind) String() string {
	return [...]string{"null", "int", "string", "binary"}[k]
}

// Value is one cell: NULL, an integer, a string, or a binary cell (whose
// data lives in the stream named by StreamName).
type Value struct {
	kind Kind
	n    int32
	s    string
}

// Null is the NULL value.
var Null = Value{}

// Int makes an integer value.
func Int(n int32) Value { return Value{kind: KindInt, n: n} }

// Str makes a string value; "" is NULL.
func Str(s string) Value {
	if s == "" {
		return Null
	}
	return Value{kind: KindString, s: s}
}

// Binary makes a binary-cell value referring to stream name (normally
// "Table.Key1.Key2…"; Database fills it in when a row is stored).
func Binary(streamName string) Value { return Value{kind: KindBinary, s: streamName} }

func (v Value) Kind() Kind   { return v.kind }
func (v Value) IsNull() bool { return v.kind == KindNull }

// Int returns the integer and whether v is one.
func (v Value) Int() (int32, bool) { return v.n, v.kind == KindInt }

// Str returns the string ("" for NULL and non-strings).
func (v Value) Str() string {
	if v.kind == KindString {
		return v.s
	}
	return ""
}

// StreamName is the stream holding a binary cell's data ("" otherwise).
func (v Value) StreamName() string {
	if v.kind == KindBinary {
		return v.s
	}
	return ""
}

// String renders v as IDT text: "" for NULL, decimal integers, the string,
// or the stream name of a binary cell.
func (v Value) String() string {
	switch v.kind {
	case KindInt:
		return strconv.FormatInt(int64(v.n), 10)
	case KindString, KindBinary:
		return v.s
	}
	return ""
}

// Equal compares kind and content.
func (v Value) Equal(w Value) bool { return v == w }

// ValueOf converts a Go value: nil, Value, string, int, int32, int16, int64,
// uint16, uint32 (range-checked). []byte is handled by the table methods,
// which store it as a binary cell.
func ValueOf(x any) (Value, error) {
	switch t := x.(type) {
	case nil:
		return Null, nil
	case Value:
		return t, nil
	case string:
		return Str(t), nil
	case int:
		return intValue(int64(t))
	case int64:
		return intValue(t)
	case int32:
		return Int(t), nil
	case int16:
		return Int(int32(t)), nil
	case uint16:
		return Int(int32(t)), nil
	case uint32:
		return intValue(int64(t))
	}
	return Null, fmt.Errorf("msi: cannot store a %T in a cell", x)
}

func intValue(n int64) (Value, error) {
	if n < math.MinInt32 || n > math.MaxInt32 {
		return Null, fmt.Errorf("msi: integer %d does not fit 32 bits", n)
	}
	return Int(int32(n)), nil
}

// Row is one table row, a value per column in column order.
type Row []Value

// Clone copies r.
func (r Row) Clone() Row { return append(Row(nil), r...) }
