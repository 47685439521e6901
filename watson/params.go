package watson

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxParamLen is DW's limit for one bucket parameter (characters).
const maxParamLen = 255

// Params are the bucket parameters P1..P10 (index 0 is P1).
type Params [10]string

// ParamNames says what each parameter holds, in order (for pages and show).
var ParamNames = [10]string{
	"tool version", "patch", "product code", "product version", "phase",
	"failing step", "exit code", "installer error", "OS/arch", "UI mode/invoker",
}

// paramsOf computes P1..P10 from an input whose defaults are set. Values
// are small and stable: no time, no path, no machine name.
func paramsOf(in *Input, r *redaction) Params {
	ui := in.UIMode
	if in.Invoker != "" {
		ui += "/" + in.Invoker
	}
	raw := Params{
		in.ToolVersion,
		in.PatchCode,
		in.ProductCode,
		in.ProductVersion,
		in.Phase,
		in.Step,
		strconv.Itoa(in.Code),
		in.InnerError,
		in.OS + "/" + in.Arch,
		ui,
	}
	var p Params
	for i, v := range raw {
		p[i] = cleanParam(r.redact(v))
	}
	return p
}

// cleanParam makes v a one-line value of at most maxParamLen characters
// (a manifest line cannot hold a newline); empty becomes "-".
func cleanParam(v string) string {
	v = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, v)
	v = strings.Join(strings.Fields(v), " ")
	if utf8.RuneCountInString(v) > maxParamLen {
		v = string([]rune(v)[:maxParamLen])
	}
	if v == "" {
		return "-"
	}
	return v
}

// Bucket derives the bucket token from the event type and P1..P10: a
// readable prefix (event type, exit code, phase) and a hash of all eleven
// values, only [A-Za-z0-9._-], so it can be a folder name and a URL path
// element as it is.
func Bucket(eventType string, p Params) string {
	h := sha256.New()
	h.Write([]byte(eventType))
	for _, v := range p {
		h.Write([]byte{0})
		h.Write([]byte(v))
	}
	sum := hex.EncodeToString(h.Sum(nil))[:16]
	return token(eventType, 40) + "." + token(p[6], 12) + "." + token(p[4], 12) + "." + sum
}

// token keeps the letters, digits, '.', '_' and '-' of s (others become
// '_'), at most max of them, never empty.
func token(s string, max int) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= max {
			break
		}
		if validTokenRune(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

func validTokenRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
}

// ValidBucket reports whether s is a bucket token: [A-Za-z0-9._-]+, and
// not a name a file system treats specially ("." or "..").
func ValidBucket(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !validTokenRune(r) {
			return false
		}
	}
	return true
}

// ValidID reports whether s is a report id: 64 lower-case hex digits.
func ValidID(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
