package cab

import (
	"runtime"
	"strings"
)

// SafePath turns a member name into a relative slash-separated path that
// cannot leave the extraction directory, neutralising rather than refusing
// (as cabextract does, so that listing and extracting agree):
//   - `\` is a separator, like `/`;
//   - leading separators (absolute paths), empty and "." parts are dropped;
//   - ".." becomes "xx";
//   - a name with nothing left becomes "x";
//   - NUL, control characters and ':' (drive letters, NTFS streams) become
//     '_'; on Windows, device names (CON, NUL, COM1 ...) get a '_' prefix.
func SafePath(name string) string {
	return SafePathSep(name, false)
}

// SafePathSep is SafePath for a cabinet whose names use `/` as separator
// when unixSep (see UnixSeparators): then `\` is part of a name, as in
// cabextract, except that "..\" still becomes "xx\" and a leading `\` is
// dropped. On Windows `\` always separates (it cannot be in a name).
func SafePathSep(name string, unixSep bool) string {
	unixSep = unixSep && runtime.GOOS != "windows"
	parts := strings.FieldsFunc(name, func(r rune) bool { return r == '/' || r == '\\' && !unixSep })
	if unixSep && len(parts) > 0 {
		parts[0] = strings.TrimLeft(parts[0], `\`)
		if parts[0] == "" {
			parts = parts[1:]
		}
	}
	out := parts[:0]
	for _, p := range parts {
		switch p {
		case ".":
			continue
		case "..":
			p = "xx"
		}
		if unixSep {
			p = neutraliseDotDotBackslash(p)
		}
		p = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || r == ':' {
				return '_'
			}
			return r
		}, p)
		if runtime.GOOS == "windows" {
			p = strings.TrimRight(p, ". ")
			if p == "" {
				p = "_"
			}
			if isDeviceName(p) {
				p = "_" + p
			}
		}
		out = append(out, p)
	}
	if len(out) == 0 {
		return "x"
	}
	return strings.Join(out, "/")
}

// neutraliseDotDotBackslash turns every "..\" of a name part into "xx\",
// as cabextract does (harmless on POSIX, but the name may be read from
// Windows through a share later).
func neutraliseDotDotBackslash(p string) string {
	return strings.ReplaceAll(p, `..\`, `xx\`)
}

// isDeviceName reports whether p names a DOS device on Windows, with or
// without an extension.
func isDeviceName(p string) bool {
	base := strings.ToUpper(p)
	if i := strings.IndexByte(base, '.'); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) == 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) &&
		base[3] >= '0' && base[3] <= '9' {
		return true
	}
	return false
}
