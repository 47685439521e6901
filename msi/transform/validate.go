package transform

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ohotfix/ohotfix/msi"
)

// NotApplicable is returned by Validate when a database fails one of the
// transform's validation checks. Check is the failing flag.
type NotApplicable struct {
	Check  ValidateFlags
	Reason string
}

func (e *NotApplicable) Error() string { return "transform does not apply: " + e.Reason }

// Facts are the properties of a database that validation compares.
type Facts struct {
	ProductCode    string `json:"product_code"`
	ProductVersion string `json:"product_version"`
	UpgradeCode    string `json:"upgrade_code,omitempty"`
	Language       string `json:"language,omitempty"` // ProductLanguage (decimal LANGID)
	Platform       string `json:"platform,omitempty"` // summary Template platform
}

// FactsOf reads ProductCode, ProductVersion, UpgradeCode, ProductLanguage
// from the Property table and the platform from the summary.
func FactsOf(db *msi.Database) (Facts, error) {
	var f Facts
	if db.HasTable("Property") {
		t, err := db.Table("Property")
		if err != nil {
			return f, err
		}
		get := func(name string) string {
			if r, ok := t.Lookup(name); ok && len(r) > 1 {
				return r[1].Str()
			}
			return ""
		}
		f.ProductCode, f.ProductVersion = get("ProductCode"), get("ProductVersion")
		f.UpgradeCode, f.Language = get("UpgradeCode"), get("ProductLanguage")
	}
	si, err := db.Summary()
	if err != nil {
		return f, err
	}
	f.Platform = si.Platform()
	if f.Language == "" {
		if l := si.Languages(); len(l) > 0 {
			f.Language = strconv.Itoa(l[0])
		}
	}
	return f, nil
}

// Validate checks the transform's validation flags (Info.Validate) against
// db, as it stands now. It returns nil, a *NotApplicable naming the first
// failing check, or an error reading db.
func (t *Transform) Validate(db *msi.Database) error {
	f, err := FactsOf(db)
	if err != nil {
		return err
	}
	return t.Info.Check(f)
}

// Check is Validate over already gathered facts.
func (in Info) Check(f Facts) error {
	v := in.Validate
	fail := func(flag ValidateFlags, format string, args ...any) error {
		return &NotApplicable{Check: flag, Reason: fmt.Sprintf(format, args...)}
	}
	if v&ValProduct != 0 && !strings.EqualFold(f.ProductCode, in.BaseProductCode) {
		return fail(ValProduct, "product code %s is not the transform's base product %s", orNone(f.ProductCode), orNone(in.BaseProductCode))
	}
	if v&ValUpgradeCode != 0 && !strings.EqualFold(f.UpgradeCode, in.UpgradeCode) {
		return fail(ValUpgradeCode, "upgrade code %s is not the transform's %s", orNone(f.UpgradeCode), orNone(in.UpgradeCode))
	}
	if v&ValLanguage != 0 && in.BaseLanguage != "" && in.BaseLanguage != "0" && !sameLanguage(f.Language, in.BaseLanguage) {
		return fail(ValLanguage, "language %s is not the transform's base language %s", orNone(f.Language), in.BaseLanguage)
	}
	if v&ValPlatform != 0 && in.BasePlatform != "" && !strings.EqualFold(f.Platform, in.BasePlatform) {
		return fail(ValPlatform, "platform %s is not the transform's base platform %s", orNone(f.Platform), in.BasePlatform)
	}
	if v&(valVersionFields|valVersionRelations) == 0 {
		return nil
	}
	fields := 3
	switch {
	case v&ValUpdateVersion != 0:
	case v&ValMinorVersion != 0:
		fields = 2
	case v&ValMajorVersion != 0:
		fields = 1
	}
	have, ok1 := parseVersion(f.ProductVersion)
	base, ok2 := parseVersion(in.BaseVersion)
	if !ok1 || !ok2 {
		return fail(v&(valVersionFields|valVersionRelations), "cannot compare versions %q and %q", f.ProductVersion, in.BaseVersion)
	}
	c := have.compare(base, fields)
	rel := v & valVersionRelations
	if rel == 0 {
		rel = ValNewEqualBase // a version field without a relation means "equal"
	}
	okRel := (rel&ValNewLessBase != 0 && c < 0) || (rel&ValNewLessEqualBase != 0 && c <= 0) ||
		(rel&ValNewEqualBase != 0 && c == 0) || (rel&ValNewGreaterEqualBase != 0 && c >= 0) ||
		(rel&ValNewGreaterBase != 0 && c > 0)
	if !okRel {
		var want []string
		for _, r := range []struct {
			flag ValidateFlags
			op   string
		}{{ValNewLessBase, "<"}, {ValNewLessEqualBase, "<="}, {ValNewEqualBase, "=="}, {ValNewGreaterEqualBase, ">="}, {ValNewGreaterBase, ">"}} {
			if rel&r.flag != 0 {
				want = append(want, r.op)
			}
		}
		return fail(rel, "product version %s is not %s the transform's base version %s (comparing %d fields)", f.ProductVersion, strings.Join(want, " or "), in.BaseVersion, fields)
	}
	return nil
}

func sameLanguage(have, want string) bool {
	for _, l := range strings.Split(have, ",") {
		if strings.TrimSpace(l) == want {
			return true
		}
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
