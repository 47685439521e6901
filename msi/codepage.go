package msi

import (
	"fmt"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// Code pages an MSI string pool (or summary stream) may declare. 0 means
// "neutral": the system ANSI code page, which we (like msitools) take to be
// Windows-1252.
const (
	CodepageNeutral = 0
	CodepageUTF8    = 65001
)

var codepages = map[int]encoding.Encoding{
	0: charmap.Windows1252, 1252: charmap.Windows1252,
	1250: charmap.Windows1250, 1251: charmap.Windows1251, 1253: charmap.Windows1253,
	1254: charmap.Windows1254, 1255: charmap.Windows1255, 1256: charmap.Windows1256,
	1257: charmap.Windows1257, 1258: charmap.Windows1258, 874: charmap.Windows874,
	437: charmap.CodePage437, 850: charmap.CodePage850, 852: charmap.CodePage852,
	855: charmap.CodePage855, 858: charmap.CodePage858, 860: charmap.CodePage860,
	862: charmap.CodePage862, 863: charmap.CodePage863, 865: charmap.CodePage865,
	866: charmap.CodePage866, 37: charmap.CodePage037, 1047: charmap.CodePage1047,
	1140: charmap.CodePage1140, 10000: charmap.Macintosh, 10007: charmap.MacintoshCyrillic,
	20866: charmap.KOI8R, 21866: charmap.KOI8U,
	28591: charmap.ISO8859_1, 28592: charmap.ISO8859_2, 28593: charmap.ISO8859_3,
	28594: charmap.ISO8859_4, 28595: charmap.ISO8859_5, 28596: charmap.ISO8859_6,
	28597: charmap.ISO8859_7, 28598: charmap.ISO8859_8, 28599: charmap.ISO8859_9,
	28603: charmap.ISO8859_13, 28605: charmap.ISO8859_15,
	932: japanese.ShiftJIS, 936: simplifiedchinese.GBK, 949: korean.EUCKR,
	950: traditionalchinese.Big5, 54936: simplifiedchinese.GB18030,
	20127:        charmap.Windows1252, // US-ASCII is a subset
	CodepageUTF8: unicode.UTF8,
}

// supportedCodepage reports whether strings in code page cp can be decoded
// and encoded.
func supportedCodepage(cp int) bool { _, ok := codepages[cp]; return ok }

// codec turns pool bytes into Go strings and back for one code page. ASCII is
// the common case in every code page listed above, so it skips the tables.
type codec struct {
	cp  int
	enc encoding.Encoding
}

// newCodec returns the codec of cp. A code page without a table here (rare
// OEM/Mac pages) falls back to ISO-8859-1, which maps every byte to one rune
// and back: text may look wrong but a database still opens and round-trips
// byte for byte.
func newCodec(cp int) (codec, error) {
	e, ok := codepages[cp]
	if !ok {
		if cp < 0 || cp > 65535 {
			return codec{}, fmt.Errorf("invalid code page %d", cp)
		}
		e = charmap.ISO8859_1
	}
	return codec{cp: cp, enc: e}, nil
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (c codec) decode(b []byte) string {
	if c.cp == CodepageUTF8 || isASCII(b) {
		return string(b)
	}
	out, err := c.enc.NewDecoder().Bytes(b)
	if err != nil {
		return string(b)
	}
	return string(out)
}

// encode converts s to the code page; characters it cannot represent are an
// error, so that a commit never silently changes text.
func (c codec) encode(s string) ([]byte, error) {
	if c.cp == CodepageUTF8 || isASCIIString(s) {
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("string is not valid UTF-8")
		}
		return []byte(s), nil
	}
	out, err := c.enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("cannot be represented in code page %d", c.cp)
	}
	return out, nil
}
