package windows

import (
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
)

// fileSize is the size of path, or 0 when it does not exist yet.
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

var (
	errorNumber = regexp.MustCompile(`\bError (\d{4})\b`)
	returnValue = regexp.MustCompile(`Return value 3`)
)

// explainingLine finds, in what Windows Installer appended to its log since
// offset, the line that explains a failure: the first "Error NNNN" line
// (other than 1603/1708, which only repeat the outcome), else the line
// before "Return value 3" (the action that failed), else "".
func explainingLine(path string, offset int64) string {
	if path == "" || offset < 0 {
		return ""
	}
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return ""
	}
	raw, err := io.ReadAll(io.LimitReader(f, 16<<20))
	if err != nil {
		return ""
	}
	lines := strings.Split(decodeLogText(raw), "\n")
	for _, l := range lines {
		if m := errorNumber.FindStringSubmatch(l); m != nil {
			if n, _ := strconv.Atoi(m[1]); n != 1603 && n != 1708 {
				return clip(strings.TrimSpace(l))
			}
		}
	}
	for i, l := range lines {
		if returnValue.MatchString(l) {
			if i > 0 {
				return clip(strings.TrimSpace(lines[i-1]) + " / " + strings.TrimSpace(l))
			}
			return clip(strings.TrimSpace(l))
		}
	}
	return ""
}

// decodeLogText reads UTF-16LE (as Windows Installer may write) or 8-bit text.
func decodeLogText(b []byte) string {
	if len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || len(b) >= 4 && b[1] == 0 && b[3] == 0) {
		if b[0] == 0xFF && b[1] == 0xFE {
			b = b[2:]
		}
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		}
		return strings.ReplaceAll(string(utf16.Decode(u)), "\r", "")
	}
	return strings.ReplaceAll(string(b), "\r", "")
}

func clip(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
