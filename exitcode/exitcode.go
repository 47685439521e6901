// Package exitcode is the one table of process results ohotfix can return.
//
// The values are Windows Installer return codes (winerror.h), because that is
// what ConfigMgr, Intune and GPO scripts already understand. On Windows the
// process exit status is the full code. On POSIX a status is one byte, so the
// process exits with the code's low byte; Status documents that mapping and
// the tests prove no two codes collide. The full code is always written to the
// last log line and to the JSON result.
package exitcode

import (
	"errors"
	"fmt"
)

// Code is a Windows Installer-style result code.
type Code int

const (
	Success              Code = 0    // ERROR_SUCCESS (also "nothing to do")
	NotDetected          Code = 1    // check --detect: not (fully) applied; Intune/ConfigMgr's "not installed"
	UserCancelled        Code = 1602 // ERROR_INSTALL_USEREXIT
	Fatal                Code = 1603 // ERROR_INSTALL_FAILURE, nothing left half-done
	EngineTooOld         Code = 1613 // ERROR_INSTALL_PACKAGE_VERSION (MinMsiVersion)
	AlreadyRunning       Code = 1618 // ERROR_INSTALL_ALREADY_RUNNING (after the wait)
	PackageOpenFailed    Code = 1619 // ERROR_INSTALL_PACKAGE_OPEN_FAILED
	PackageInvalid       Code = 1620 // ERROR_INSTALL_PACKAGE_INVALID (also: not an admin image)
	LogFailure           Code = 1622 // ERROR_INSTALL_LOG_FAILURE
	TransformFailed      Code = 1624 // ERROR_INSTALL_TRANSFORM_FAILURE
	TempUnwritable       Code = 1632 // ERROR_INSTALL_TEMP_UNWRITABLE (not enough space)
	PlatformUnsupported  Code = 1633 // ERROR_INSTALL_PLATFORM_UNSUPPORTED (mode not available here)
	PatchOpenFailed      Code = 1635 // ERROR_PATCH_PACKAGE_OPEN_FAILED
	PatchInvalid         Code = 1636 // ERROR_PATCH_PACKAGE_INVALID
	PatchUnsupported     Code = 1637 // ERROR_PATCH_PACKAGE_UNSUPPORTED (patch needs a newer installer)
	InvalidCommandLine   Code = 1639 // ERROR_INVALID_COMMAND_LINE (also: invalid ohotfix.ini)
	RebootInitiated      Code = 1641 // ERROR_SUCCESS_REBOOT_INITIATED
	PatchTargetNotFound  Code = 1642 // ERROR_PATCH_TARGET_NOT_FOUND
	RebootRequired       Code = 3010 // ERROR_SUCCESS_REBOOT_REQUIRED
	PendingRebootRefused Code = 3017 // ERROR_FAIL_REBOOT_REQUIRED: a reboot is pending, run refused
)

// table describes every code ohotfix returns; the README's table is this one.
var table = []struct {
	Code    Code
	Name    string
	Meaning string
}{
	{Success, "ERROR_SUCCESS", "success, or nothing to do"},
	{NotDetected, "NOT_DETECTED", "check --detect only: the update is not (fully) applied here"},
	{UserCancelled, "ERROR_INSTALL_USEREXIT", "the user cancelled"},
	{Fatal, "ERROR_INSTALL_FAILURE", "fatal error; everything was rolled back"},
	{EngineTooOld, "ERROR_INSTALL_PACKAGE_VERSION", "installer engine older than MinMsiVersion"},
	{AlreadyRunning, "ERROR_INSTALL_ALREADY_RUNNING", "another installation kept running past the wait"},
	{PackageOpenFailed, "ERROR_INSTALL_PACKAGE_OPEN_FAILED", "the package (.msi) could not be opened"},
	{PackageInvalid, "ERROR_INSTALL_PACKAGE_INVALID", "the package is invalid (or AdminPath is not an admin image)"},
	{LogFailure, "ERROR_INSTALL_LOG_FAILURE", "the log files could not be created"},
	{TransformFailed, "ERROR_INSTALL_TRANSFORM_FAILURE", "a transform could not be applied"},
	{TempUnwritable, "ERROR_INSTALL_TEMP_UNWRITABLE", "not enough space in the temp or target folder"},
	{PlatformUnsupported, "ERROR_INSTALL_PLATFORM_UNSUPPORTED", "this mode is not supported on this platform"},
	{PatchOpenFailed, "ERROR_PATCH_PACKAGE_OPEN_FAILED", "a patch (.msp) could not be opened"},
	{PatchInvalid, "ERROR_PATCH_PACKAGE_INVALID", "a patch is invalid"},
	{PatchUnsupported, "ERROR_PATCH_PACKAGE_UNSUPPORTED", "a patch needs a newer installer engine"},
	{InvalidCommandLine, "ERROR_INVALID_COMMAND_LINE", "invalid command line or ohotfix.ini"},
	{RebootInitiated, "ERROR_SUCCESS_REBOOT_INITIATED", "success; ohotfix started a restart"},
	{PatchTargetNotFound, "ERROR_PATCH_TARGET_NOT_FOUND", "no target product (at the required version)"},
	{RebootRequired, "ERROR_SUCCESS_REBOOT_REQUIRED", "success; a restart is required"},
	{PendingRebootRefused, "ERROR_FAIL_REBOOT_REQUIRED", "refused: a reboot is pending (BlockOnPendingReboot=1)"},
}

// All lists every code in table order.
func All() []Code {
	out := make([]Code, len(table))
	for i, e := range table {
		out[i] = e.Code
	}
	return out
}

// Name is the winerror.h name of c.
func (c Code) Name() string {
	for _, e := range table {
		if e.Code == c {
			return e.Name
		}
	}
	return fmt.Sprintf("CODE_%d", int(c))
}

// Meaning is a short human description of c.
func (c Code) Meaning() string {
	for _, e := range table {
		if e.Code == c {
			return e.Meaning
		}
	}
	return "unknown"
}

// Status is the POSIX process status for c: its low byte.
func (c Code) Status() int { return int(c) & 0xff }

// IsSuccess reports whether deployment tools treat c as success.
func (c Code) IsSuccess() bool {
	return c == Success || c == RebootRequired || c == RebootInitiated
}

func (c Code) String() string { return fmt.Sprintf("%d (%s)", int(c), c.Name()) }

// Error carries a result code with the reason it was chosen. Any package may
// return one; the CLI's single exit handler turns it into the process status.
type Error struct {
	Code Code
	Err  error
}

func (e *Error) Error() string {
	if e.Err == nil {
		return e.Code.Meaning()
	}
	return e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// New wraps err (or a formatted message) with a code.
func New(c Code, format string, args ...any) error {
	return &Error{Code: c, Err: fmt.Errorf(format, args...)}
}

// Wrap attaches c to err; a nil err stays nil.
func Wrap(c Code, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: c, Err: err}
}

// Of returns the code carried by err: Success for nil, the code of the first
// *Error in the chain, else Fatal.
func Of(err error) Code {
	if err == nil {
		return Success
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Fatal
}
