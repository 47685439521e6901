package msi

import (
	"strings"
	"unicode/utf16"
)

// Stream names in an MSI compound file are "compressed": characters of the
// alphabet 0-9 A-Z a-z . _ are packed two per UTF-16 code unit (one unit for a
// lone trailing character) in the 0x3800-0x4840 range, so that names up to 62
// characters fit CFB's 31-unit limit. Table streams carry the extra prefix
// unit 0x4840. Other characters (such as the 0x05 of "\x05SummaryInformation")
// are stored as themselves.

const (
	tablePrefix    = 0x4840
	pairBase       = 0x3800
	singleBase     = 0x4800
	maxStreamChars = 62
)

// MaxStreamNameLen is the longest decoded stream name (in characters) that
// fits a CFB directory entry once packed.
const MaxStreamNameLen = maxStreamChars

func streamAlphabetIndex(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= 'A' && r <= 'Z':
		return int(r-'A') + 10
	case r >= 'a' && r <= 'z':
		return int(r-'a') + 36
	case r == '.':
		return 62
	case r == '_':
		return 63
	}
	return -1
}

const streamAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"

// encodeStreamName packs name into the form stored in the compound file.
// table selects the 0x4840 table-stream prefix. The result is a Go string of
// the UTF-16 code units (as cfb.Entry.Name holds them).
func encodeStreamName(name string, table bool) string {
	units := make([]uint16, 0, len(name)/2+2)
	if table {
		units = append(units, tablePrefix)
	}
	rs := []rune(name)
	for i := 0; i < len(rs); i++ {
		c := streamAlphabetIndex(rs[i])
		if c < 0 {
			units = append(units, utf16.Encode(rs[i:i+1])...)
			continue
		}
		if i+1 < len(rs) {
			if d := streamAlphabetIndex(rs[i+1]); d >= 0 {
				units = append(units, uint16(pairBase+c+d<<6))
				i++
				continue
			}
		}
		units = append(units, uint16(singleBase+c))
	}
	return string(utf16.Decode(units))
}

// decodeStreamName unpacks a stored stream name. table reports the 0x4840
// prefix (the stream holds a table's rows; name is then the table name).
func decodeStreamName(stored string) (name string, table bool) {
	var b strings.Builder
	b.Grow(len(stored) * 2)
	for i, r := range stored {
		switch {
		case i == 0 && r == tablePrefix:
			table = true
		case r >= pairBase && r < singleBase:
			v := int(r - pairBase)
			b.WriteByte(streamAlphabet[v&0x3F])
			b.WriteByte(streamAlphabet[(v>>6)&0x3F])
		case r >= singleBase && r < tablePrefix:
			b.WriteByte(streamAlphabet[r-singleBase])
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), table
}

// encodedLen is the number of UTF-16 units encodeStreamName would produce.
func encodedLen(name string, table bool) int {
	return len(utf16.Encode([]rune(encodeStreamName(name, table))))
}

// validStreamName reports whether name (decoded) can be stored: non-empty,
// and short enough to fit the 31-unit CFB name once packed.
func validStreamName(name string, table bool) bool {
	return name != "" && encodedLen(name, table) <= 31
}
