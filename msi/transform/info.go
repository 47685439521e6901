package transform

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ohotfix/ohotfix/msi"
)

// Info is what a transform's summary information says about it.
type Info struct {
	// BasePlatform/BaseLanguage come from Template (the database the
	// transform was made against), NewPlatform/NewLanguage from LastSavedBy
	// (what the database looks like afterwards). A language of "" or "0"
	// means no restriction.
	BasePlatform, BaseLanguage string
	NewPlatform, NewLanguage   string
	// From RevNumber: "{Base}BaseVersion;{New}NewVersion;{UpgradeCode}".
	BaseProductCode, BaseVersion string
	NewProductCode, NewVersion   string
	UpgradeCode                  string
	// MinInstaller is PageCount (installer version ×100).
	MinInstaller int
	// Validate and Errors are the CharCount flags; WineOrder reports that
	// they were read from the low word (see SplitCharCount).
	Validate  ValidateFlags
	Errors    ErrorFlags
	WineOrder bool
	CharCount int32
}

// InfoFromSummary decodes the transform-specific summary properties.
func InfoFromSummary(si *msi.SummaryInfo) Info {
	var in Info
	in.BasePlatform, in.BaseLanguage = splitPlatform(si.Template())
	in.NewPlatform, in.NewLanguage = splitPlatform(si.LastSavedBy())
	in.BaseProductCode, in.BaseVersion, in.NewProductCode, in.NewVersion, in.UpgradeCode = parseRevision(si.RevisionNumber())
	in.MinInstaller = int(si.PageCount())
	in.CharCount = si.CharCount()
	in.Validate, in.Errors, in.WineOrder = SplitCharCount(in.CharCount)
	return in
}

// Summary builds summary information carrying in (doc word order).
func (in Info) Summary() *msi.SummaryInfo {
	si := msi.NewSummaryInfo()
	si.SetInt(msi.PIDCodepage, 1252)
	si.SetString(msi.PIDTitle, "Transform")
	si.SetString(msi.PIDTemplate, in.BasePlatform+";"+in.BaseLanguage)
	si.SetString(msi.PIDLastSavedBy, in.NewPlatform+";"+in.NewLanguage)
	si.SetString(msi.PIDRevisionNumber, in.BaseProductCode+in.BaseVersion+";"+in.NewProductCode+in.NewVersion+";"+in.UpgradeCode)
	if in.MinInstaller > 0 {
		si.SetInt(msi.PIDPageCount, int32(in.MinInstaller))
	}
	si.SetInt(msi.PIDCharCount, CharCount(in.Validate, in.Errors))
	si.SetString(msi.PIDAppName, "ohotfix")
	si.SetInt(msi.PIDSecurity, 4)
	return si
}

// String renders the flags and product codes on one line each, for humans.
func (in Info) String() string {
	order := "documented"
	if in.WineOrder {
		order = "Wine (low word)"
	}
	return fmt.Sprintf("base %s %s (%s;%s)\nnew  %s %s (%s;%s)\nupgrade code %s\nvalidate %s, suppress %s (CharCount %#08x, %s order)",
		in.BaseProductCode, in.BaseVersion, in.BasePlatform, in.BaseLanguage,
		in.NewProductCode, in.NewVersion, in.NewPlatform, in.NewLanguage,
		in.UpgradeCode, in.Validate, in.Errors, uint32(in.CharCount), order)
}

func splitPlatform(s string) (platform, lang string) {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
	}
	return strings.TrimSpace(s), ""
}

// parseRevision splits "{P}1.0;{P}1.1;{U}". Each of the first two parts is
// a GUID followed directly by a version.
func parseRevision(s string) (baseCode, baseVer, newCode, newVer, upgrade string) {
	parts := strings.Split(s, ";")
	codeVer := func(p string) (string, string) {
		p = strings.TrimSpace(p)
		if strings.HasPrefix(p, "{") {
			if j := strings.IndexByte(p, '}'); j > 0 {
				return p[:j+1], p[j+1:]
			}
		}
		return "", p
	}
	if len(parts) > 0 {
		baseCode, baseVer = codeVer(parts[0])
	}
	if len(parts) > 1 {
		newCode, newVer = codeVer(parts[1])
	}
	if len(parts) > 2 {
		upgrade = strings.TrimSpace(parts[2])
	}
	return
}

// version is a parsed ProductVersion: major.minor.build (the fourth field
// is ignored by the installer).
type version [3]int

func parseVersion(s string) (version, bool) {
	var v version
	f := strings.Split(strings.TrimSpace(s), ".")
	if len(f) == 0 || f[0] == "" {
		return v, false
	}
	for i := 0; i < len(f) && i < 3; i++ {
		n, err := strconv.Atoi(f[i])
		if err != nil || n < 0 {
			return v, false
		}
		v[i] = n
	}
	return v, true
}

// compare compares the first n fields.
func (v version) compare(w version, n int) int {
	for i := 0; i < n; i++ {
		switch {
		case v[i] < w[i]:
			return -1
		case v[i] > w[i]:
			return 1
		}
	}
	return 0
}
