package winetest

import (
	"encoding/binary"
	"strings"
	"unicode/utf16"
)

// decodeLog turns an msiexec log into Go text. Windows Installer writes UTF-16LE with a BOM
// when asked for Unicode logs and ANSI otherwise; Wine writes ANSI. Line ends become "\n".
func decodeLog(raw []byte) string {
	var s string
	if len(raw) >= 2 && raw[0] == 0xFF && raw[1] == 0xFE {
		u := make([]uint16, (len(raw)-2)/2)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(raw[2+2*i:])
		}
		s = string(utf16.Decode(u))
	} else {
		s = string(raw)
	}
	return strings.ReplaceAll(s, "\r\n", "\n")
}
