package transform

import (
	"fmt"
	"strconv"
	"strings"
)

// ErrorFlags are the error conditions a transform suppresses (msiquery.h
// MSITRANSFORM_ERROR_*): the low word of the summary's CharCount.
type ErrorFlags uint16

const (
	ErrAddExistingRow   ErrorFlags = 0x0001 // inserting a row whose key exists: the row is replaced
	ErrDelMissingRow    ErrorFlags = 0x0002 // deleting a row that does not exist: skipped
	ErrAddExistingTable ErrorFlags = 0x0004 // creating a table that exists: only new columns are added
	ErrDelMissingTable  ErrorFlags = 0x0008 // dropping a table that does not exist: skipped
	ErrUpdateMissingRow ErrorFlags = 0x0010 // updating a row that does not exist: skipped
	ErrChangeCodepage   ErrorFlags = 0x0020 // transform and database code pages differ (neither neutral)
	ViewTransform       ErrorFlags = 0x0100 // build a _TransformView table instead (not supported; ignored)

	// ErrAll suppresses every error condition.
	ErrAll = ErrAddExistingRow | ErrDelMissingRow | ErrAddExistingTable | ErrDelMissingTable | ErrUpdateMissingRow | ErrChangeCodepage
)

// ValidateFlags say what a database must look like for a transform to apply
// (MSITRANSFORM_VALIDATE_*): the high word of CharCount.
type ValidateFlags uint16

const (
	ValLanguage            ValidateFlags = 0x0001 // ProductLanguage equals the base language
	ValProduct             ValidateFlags = 0x0002 // ProductCode equals the base product code
	ValPlatform            ValidateFlags = 0x0004 // summary platform equals the base platform
	ValMajorVersion        ValidateFlags = 0x0008 // compare the major version only
	ValMinorVersion        ValidateFlags = 0x0010 // compare major.minor
	ValUpdateVersion       ValidateFlags = 0x0020 // compare major.minor.update
	ValNewLessBase         ValidateFlags = 0x0040 // database version <  base version
	ValNewLessEqualBase    ValidateFlags = 0x0080 // database version <= base version
	ValNewEqualBase        ValidateFlags = 0x0100 // database version == base version
	ValNewGreaterEqualBase ValidateFlags = 0x0200 // database version >= base version
	ValNewGreaterBase      ValidateFlags = 0x0400 // database version >  base version
	ValUpgradeCode         ValidateFlags = 0x0800 // UpgradeCode equals the base upgrade code
	valVersionFields                     = ValMajorVersion | ValMinorVersion | ValUpdateVersion
	valVersionRelations                  = ValNewLessBase | ValNewLessEqualBase | ValNewEqualBase | ValNewGreaterEqualBase | ValNewGreaterBase
	valKnown                             = 0x0FFF
)

// Default flag sets. PatchValidate/PatchErrors are what WiX (and so most
// vendors) put on patch transforms: CharCount 0x0922001F.
const (
	PatchValidate = ValProduct | ValUpdateVersion | ValNewEqualBase | ValUpgradeCode
	PatchErrors   = ErrAddExistingRow | ErrDelMissingRow | ErrAddExistingTable | ErrDelMissingTable | ErrUpdateMissingRow
	// DiffValidate is the default of `msi diff`: the same checks as a patch
	// transform, so a transform is only applied to the database it was made
	// from; DiffErrors suppresses nothing (a mismatch is reported).
	DiffValidate = PatchValidate
	DiffErrors   = ErrorFlags(0)
)

// CharCount packs the flags the documented way: validation in the high
// word, error suppression in the low word.
func CharCount(v ValidateFlags, e ErrorFlags) int32 { return int32(uint32(v)<<16 | uint32(e)) }

// SplitCharCount unpacks CharCount. The Windows Installer documentation
// (MsiCreateTransformSummaryInfo) and WiX put the validation flags in the
// high word, and that is what we write. Wine's msi.dll, however, reads the
// validation flags from the low word (check_transform_applicable masks
// CharCount with 0xFFFF), so transforms made by tools tested only against
// Wine may carry them there with a zero high word. We accept both: when the
// high word is zero and the low word has bits that mean nothing as error
// flags but something as validation flags (0x0040-0x0080, 0x0200-0x0800),
// the low word is taken as validation flags and no errors are suppressed.
// wineOrder reports that case.
func SplitCharCount(cc int32) (v ValidateFlags, e ErrorFlags, wineOrder bool) {
	hi, lo := uint16(uint32(cc)>>16), uint16(uint32(cc))
	const notErrorBits = 0x0EC0
	if hi == 0 && lo&notErrorBits != 0 {
		return ValidateFlags(lo), 0, true
	}
	return ValidateFlags(hi), ErrorFlags(lo), false
}

var errorNames = []struct {
	f    ErrorFlags
	name string
}{
	{ErrAddExistingRow, "addexistingrow"}, {ErrDelMissingRow, "delmissingrow"},
	{ErrAddExistingTable, "addexistingtable"}, {ErrDelMissingTable, "delmissingtable"},
	{ErrUpdateMissingRow, "updatemissingrow"}, {ErrChangeCodepage, "changecodepage"},
	{ViewTransform, "viewtransform"},
}

var validateNames = []struct {
	f    ValidateFlags
	name string
}{
	{ValLanguage, "language"}, {ValProduct, "product"}, {ValPlatform, "platform"},
	{ValMajorVersion, "major"}, {ValMinorVersion, "minor"}, {ValUpdateVersion, "update"},
	{ValNewLessBase, "newless"}, {ValNewLessEqualBase, "newlessequal"}, {ValNewEqualBase, "newequal"},
	{ValNewGreaterEqualBase, "newgreaterequal"}, {ValNewGreaterBase, "newgreater"},
	{ValUpgradeCode, "upgradecode"},
}

func (f ErrorFlags) String() string {
	var parts []string
	for _, n := range errorNames {
		if f&n.f != 0 {
			parts = append(parts, n.name)
		}
	}
	if rest := f &^ (ErrAll | ViewTransform); rest != 0 {
		parts = append(parts, fmt.Sprintf("%#x", uint16(rest)))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

func (f ValidateFlags) String() string {
	var parts []string
	for _, n := range validateNames {
		if f&n.f != 0 {
			parts = append(parts, n.name)
		}
	}
	if rest := f &^ valKnown; rest != 0 {
		parts = append(parts, fmt.Sprintf("%#x", uint16(rest)))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ",")
}

// ParseErrorFlags reads a comma-separated list of names (addexistingrow,
// delmissingrow, addexistingtable, delmissingtable, updatemissingrow,
// changecodepage, viewtransform; "all", "none") or a number (0x1F).
func ParseErrorFlags(s string) (ErrorFlags, error) {
	var f ErrorFlags
	for _, w := range splitFlags(s) {
		switch {
		case w == "none":
		case w == "all":
			f |= ErrAll
		default:
			if n, err := strconv.ParseUint(w, 0, 16); err == nil {
				f |= ErrorFlags(n)
				continue
			}
			found := false
			for _, n := range errorNames {
				if n.name == w {
					f |= n.f
					found = true
				}
			}
			if !found {
				return 0, fmt.Errorf("unknown error-suppression flag %q (known: all, none, addexistingrow, delmissingrow, addexistingtable, delmissingtable, updatemissingrow, changecodepage)", w)
			}
		}
	}
	return f, nil
}

// ParseValidateFlags reads a comma-separated list of names (language,
// product, platform, major, minor, update, newless, newlessequal, newequal,
// newgreaterequal, newgreater, upgradecode; "none", "patch" for the WiX
// patch set) or a number (0x922).
func ParseValidateFlags(s string) (ValidateFlags, error) {
	var f ValidateFlags
	for _, w := range splitFlags(s) {
		switch w {
		case "none":
			continue
		case "patch", "default":
			f |= PatchValidate
			continue
		}
		if n, err := strconv.ParseUint(w, 0, 16); err == nil {
			f |= ValidateFlags(n)
			continue
		}
		found := false
		for _, n := range validateNames {
			if n.name == w || n.name+"version" == w || strings.TrimSuffix(n.name, "version") == w {
				f |= n.f
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown validation flag %q (known: none, patch, language, product, platform, major, minor, update, newless, newlessequal, newequal, newgreaterequal, newgreater, upgradecode)", w)
		}
	}
	return f, nil
}

func splitFlags(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ',' || r == '|' || r == ' ' || r == '+' }) {
		out = append(out, strings.TrimSpace(w))
	}
	return out
}
