package cfb

import "strings"

// MSI packs stream names into CFB names (formats.md §2.2). The cfb package
// deliberately does not know about it; the tests decode names only to compare
// with tools (msiinfo, 7-Zip) that print decoded names.

const msiAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._"

// decodeMSIName unpacks an MSI stream name; table streams (prefix 0x4840)
// come out with a leading '!' like 7-Zip prints them.
func decodeMSIName(name string) (decoded string, table bool) {
	var b strings.Builder
	for i, r := range name {
		switch {
		case r == 0x4840 && i == 0:
			table = true
			b.WriteByte('!')
		case r >= 0x3800 && r < 0x4800:
			v := r - 0x3800
			b.WriteByte(msiAlphabet[v&0x3F])
			b.WriteByte(msiAlphabet[(v>>6)&0x3F])
		case r >= 0x4800 && r < 0x4840:
			b.WriteByte(msiAlphabet[r-0x4800])
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), table
}

// encodeMSIName packs a non-table stream name the way Windows Installer does.
func encodeMSIName(name string) string {
	idx := func(c byte) int { return strings.IndexByte(msiAlphabet, c) }
	var out []rune
	for i := 0; i < len(name); i++ {
		c1 := idx(name[i])
		if c1 < 0 {
			out = append(out, rune(name[i]))
			continue
		}
		if i+1 < len(name) {
			if c2 := idx(name[i+1]); c2 >= 0 {
				out = append(out, rune(0x3800+c1+c2<<6))
				i++
				continue
			}
		}
		out = append(out, rune(0x4800+c1))
	}
	return string(out)
}
