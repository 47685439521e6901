package exitcode

import "fmt"

// An Input is a kind of file ohotfix opens, with the two codes Windows
// Installer gives for it: the file cannot be opened (missing, unreadable),
// or it opened and is not valid. Every place that opens one uses its
// OpenError, so the same failure always gets the same code.
type Input struct {
	Noun                string
	OpenFailed, Invalid Code
}

var (
	// Patch: an .msp (1635 cannot be opened, 1636 invalid).
	Patch = Input{Noun: "patch", OpenFailed: PatchOpenFailed, Invalid: PatchInvalid}
	// Package: an .msi, an admin image's database (1619, 1620).
	Package = Input{Noun: "package", OpenFailed: PackageOpenFailed, Invalid: PackageInvalid}
)

// OpenError gives err from opening path its code: invalid says the format
// package judged the bytes (e.g. patch.IsInvalid, msi.IsInvalid); anything
// else is a failure to open.
func (in Input) OpenError(path string, err error, invalid bool) error {
	if invalid {
		return &Error{Code: in.Invalid, Err: fmt.Errorf("%s is not a valid %s: %w", path, in.Noun, err)}
	}
	return &Error{Code: in.OpenFailed, Err: fmt.Errorf("cannot open the %s %s: %w", in.Noun, path, err)}
}
