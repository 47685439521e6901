package checks

import (
	"fmt"
	"strconv"
	"strings"

	version "github.com/hashicorp/go-version"
)

// AdminEngineVersion is the Windows Installer version whose patch features
// ohotfix's native engine implements when it patches an administrative image
// (admin mode, where no Windows Installer is involved).
//
// 3.1.4000.0 is Windows Installer 3.1 (KB893803, the XP SP2-era redistributable)
// and the newest level a patch can demand through its Word Count (5 = 3.1).
// Declaring it means: every patch format Office 2000–2003 shipped (Word Count
// 1–5: transform pairs, patch cabinets, MsiPatchSequence-bearing 3.x patches)
// is accepted by the admin engine, and an ini asking for MinMsiVersion above
// 3.1.4000.0 (a Windows Installer 4.x/5.x feature we do not implement) is
// refused with 1613 instead of being silently mis-applied.
const AdminEngineVersion = "3.1.4000.0"

// AdminEngine is the Engine fact the pipeline records in admin mode.
func AdminEngine() Engine {
	return Engine{Name: "ohotfix admin engine", Version: AdminEngineVersion}
}

// BuiltinMinMsiVersion is the floor applied when MinMsiVersion is empty:
// OHotfix itself requires Windows Installer 1.1 or later.
const BuiltinMinMsiVersion = "1.1"

// maxVersionField bounds each field: MSI versions are major.minor.build
// (255.255.65535) plus an optional fourth field; 65535 everywhere is lenient
// but still rejects garbage such as 99999999999.
const maxVersionField = 65535

// ParseVersion accepts an MSI-style dotted version of one to four numeric
// fields (e.g. "11.0.6361.0"). go-version alone would also accept
// "1.0-beta+x" or "v2", which are not installer versions.
func ParseVersion(s string) (*version.Version, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty version")
	}
	fields := strings.Split(s, ".")
	if len(fields) > 4 {
		return nil, fmt.Errorf("version %q has more than 4 fields", s)
	}
	for _, f := range fields {
		n, err := strconv.ParseUint(f, 10, 32)
		if err != nil { // also rejects "", signs and underscores
			return nil, fmt.Errorf("version %q: field %q is not a number", s, f)
		}
		if n > maxVersionField {
			return nil, fmt.Errorf("version %q: field %s exceeds %d", s, f, maxVersionField)
		}
	}
	return version.NewVersion(s)
}

// wordCountInstaller maps a patch's Word Count to the minimum installer
// version it demands. ok is false for values no released installer defined.
func wordCountInstaller(wc int) (min string, ok bool) {
	switch wc {
	case 0, 1: // missing, or "default (MSPATCH)": any installer
		return "", true
	case 2:
		return "1.2", true
	case 3:
		return "2.0", true
	case 4:
		return "3.0", true
	case 5:
		return "3.1", true
	}
	return "", false
}

// CompareVersions orders two dotted versions (-1, 0, 1). Versions that do
// not parse sort as strings after the parsable ones' rules, so the order
// stays total (MsiPatchSequence values are not always clean).
func CompareVersions(a, b string) int {
	va, ea := ParseVersion(a)
	vb, eb := ParseVersion(b)
	if ea != nil || eb != nil {
		return strings.Compare(a, b)
	}
	return va.Compare(vb)
}
