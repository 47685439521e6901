package cfb

import (
	"unicode"
	"unicode/utf16"
)

// compareNames orders sibling names the way MS-CFB 2.6.4 requires: shorter
// names (in UTF-16 code units) first, then code unit by code unit after
// upper-casing. Readers that search the red-black tree (Windows, libgsf)
// depend on this exact order, so the writer must use it.
func compareNames(a, b []uint16) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	for i := range a {
		ua, ub := upperUnit(a[i]), upperUnit(b[i])
		if ua != ub {
			if ua < ub {
				return -1
			}
			return 1
		}
	}
	return 0
}

// upperUnit upper-cases one UTF-16 code unit with the simple (1:1) Unicode
// case mapping. Surrogates and mappings leaving the BMP are kept as is,
// because the spec compares code units, not code points.
func upperUnit(u uint16) uint16 {
	if u < 'a' {
		return u
	}
	if u <= 'z' {
		return u - ('a' - 'A')
	}
	if u < 0x80 || (u >= 0xD800 && u < 0xE000) {
		return u
	}
	r := unicode.ToUpper(rune(u))
	if r > 0xFFFF {
		return u
	}
	return uint16(r)
}

// CompareNames reports the CFB sibling order of two names: -1, 0 or +1.
// Names that compare equal cannot be siblings.
func CompareNames(a, b string) int {
	return compareNames(utf16.Encode([]rune(a)), utf16.Encode([]rune(b)))
}

// checkName validates a name for writing and returns its UTF-16 form.
func checkName(name string) ([]uint16, error) {
	if name == "" {
		return nil, treeErr("empty entry name")
	}
	u := utf16.Encode([]rune(name))
	if len(u) > maxNameUnits {
		return nil, treeErr("name %q is %d UTF-16 units long, the limit is %d", name, len(u), maxNameUnits)
	}
	for _, c := range u {
		switch c {
		case 0, '/', '\\', ':', '!':
			return nil, treeErr("name %q contains the forbidden character %q", name, rune(c))
		}
	}
	return u, nil
}
