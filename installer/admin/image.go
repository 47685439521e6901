package admin

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// Image is what the bootstrapper needs to know about an administrative image
// (or any package: IsAdmin tells).
type Image struct {
	Path           string // the image database
	Dir            string // the image folder (the database's folder)
	ProductCode    string
	ProductVersion string
	ProductName    string
	UpgradeCode    string
	PackageCode    string
	WordCount      int32
	IsAdmin        bool // Word Count bit 4: made by an administrative installation
	ShortNames     bool // Word Count bit 1: laid out with short names
	Features       map[string]int
	// AppliedPatches are the patch codes recorded in the image: our own
	// AppliedPatchTable and the PatchPackage rows patches add.
	AppliedPatches []string
	// Validation is what a patch's transforms are validated against (the
	// database as it is now, with the patches applied to it), read as
	// Patch.Apply reads it.
	Validation transform.Facts
}

// OpenImage reads the facts of the image whose database is msiPath. Errors
// carry exitcode.PackageOpenFailed (1619) or PackageInvalid (1620).
func OpenImage(msiPath string) (*Image, error) {
	db, err := openPackage(msiPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	return imageFacts(db, msiPath)
}

func imageFacts(db *msi.Database, msiPath string) (*Image, error) {
	si, err := db.Summary()
	if err != nil {
		return nil, exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	props, err := properties(db)
	if err != nil {
		return nil, err
	}
	im := &Image{
		Path: msiPath, Dir: filepath.Dir(msiPath),
		ProductCode: props["ProductCode"], ProductVersion: props["ProductVersion"],
		ProductName: props["ProductName"], UpgradeCode: props["UpgradeCode"],
		PackageCode: si.PackageCode(), WordCount: si.WordCount(),
		IsAdmin: si.AdminImage(), ShortNames: si.ShortNames(),
		Features: map[string]int{},
	}
	if db.HasTable("Feature") {
		t, err := db.Table("Feature")
		if err != nil {
			return nil, exitcode.Wrap(exitcode.PackageInvalid, err)
		}
		for _, r := range t.Rows() {
			lv, _ := intCol(t, r, "Level")
			im.Features[stringCol(t, r, "Feature")] = int(lv)
		}
	}
	if im.AppliedPatches, err = appliedPatches(db); err != nil {
		return nil, err
	}
	if im.Validation, err = transform.FactsOf(db); err != nil {
		return nil, exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	return im, nil
}

// properties reads the Property table.
func properties(db *msi.Database) (map[string]string, error) {
	out := map[string]string{}
	if !db.HasTable("Property") {
		return out, nil
	}
	t, err := db.Table("Property")
	if err != nil {
		return nil, exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	for _, r := range t.Rows() {
		out[stringCol(t, r, "Property")] = stringCol(t, r, "Value")
	}
	return out, nil
}

// AppliedPatchTable is the table ohotfix adds to an image database to record
// the patches applied to it, so that a copied image carries its state:
//
//	PatchCode     s38 key   the patch's code (Revision Number GUID)
//	PatchFile     S255      the .msp file name it came from
//	Applied       S32       when (RFC 3339, UTC)
//	Transforms    S255      the transform pairs applied (":T;:#T;…")
//	FilesReplaced I4        files overwritten in the image
//	FilesAdded    I4        files new to the image
//	Obsoletes     S0        patch codes the patch obsoletes (";"-separated)
const AppliedPatchTable = "OhotfixAdminPatch"

func appliedPatchSchema() []msi.Column {
	return []msi.Column{
		{Name: "PatchCode", Type: msi.StringType(38, false, true, false)},
		{Name: "PatchFile", Type: msi.StringType(255, true, false, false)},
		{Name: "Applied", Type: msi.StringType(32, true, false, false)},
		{Name: "Transforms", Type: msi.StringType(255, true, false, false)},
		{Name: "FilesReplaced", Type: msi.IntType(4, true, false)},
		{Name: "FilesAdded", Type: msi.IntType(4, true, false)},
		{Name: "Obsoletes", Type: msi.StringType(0, true, false, false)},
	}
}

// appliedPatches lists the patch codes recorded in db, upper-cased, sorted.
func appliedPatches(db *msi.Database) ([]string, error) {
	set := map[string]bool{}
	for _, tc := range [][2]string{{AppliedPatchTable, "PatchCode"}, {"PatchPackage", "PatchId"}} {
		if !db.HasTable(tc[0]) {
			continue
		}
		t, err := db.Table(tc[0])
		if err != nil {
			return nil, exitcode.Wrap(exitcode.PackageInvalid, err)
		}
		for _, r := range t.Rows() {
			if c := stringCol(t, r, tc[1]); c != "" {
				set[strings.ToUpper(c)] = true
			}
		}
	}
	out := make([]string, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	sort.Strings(out)
	return out, nil
}

// recordPatch adds (or replaces) the row of a patch in AppliedPatchTable.
func recordPatch(db *msi.Database, code, file, applied, transforms string, replaced, added int, obsoletes []string) error {
	t, err := db.Table(AppliedPatchTable)
	if err != nil {
		if t, err = db.CreateTable(AppliedPatchTable, appliedPatchSchema()); err != nil {
			return err
		}
	}
	return t.Put(strings.ToUpper(code), file, applied, transforms, replaced, added, strings.ToUpper(strings.Join(obsoletes, ";")))
}

// obsoletedBy returns the applied patch (from AppliedPatchTable) that
// obsoletes code, or "".
func obsoletedBy(db *msi.Database, code string) (string, error) {
	if !db.HasTable(AppliedPatchTable) {
		return "", nil
	}
	t, err := db.Table(AppliedPatchTable)
	if err != nil {
		return "", exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	for _, r := range t.Rows() {
		for _, o := range strings.Split(stringCol(t, r, "Obsoletes"), ";") {
			if o != "" && strings.EqualFold(o, code) {
				return stringCol(t, r, "PatchCode"), nil
			}
		}
	}
	return "", nil
}
