package windows

import "fmt"

// msiErrors names the Windows Installer return codes (winerror.h) that
// MsiApplyMultiplePatchesW may pass back, so that a code ohotfix passes
// through still says what it is.
var msiErrors = map[uint32][2]string{
	5:    {"ERROR_ACCESS_DENIED", "access denied (run elevated)"},
	87:   {"ERROR_INVALID_PARAMETER", "an invalid parameter was passed to Windows Installer"},
	112:  {"ERROR_DISK_FULL", "there is not enough space on the disk"},
	1601: {"ERROR_INSTALL_SERVICE_FAILURE", "the Windows Installer service could not be accessed"},
	1602: {"ERROR_INSTALL_USEREXIT", "the user cancelled the installation"},
	1603: {"ERROR_INSTALL_FAILURE", "a fatal error occurred during installation"},
	1604: {"ERROR_INSTALL_SUSPEND", "the installation was suspended, incomplete"},
	1605: {"ERROR_UNKNOWN_PRODUCT", "the product is not installed"},
	1608: {"ERROR_UNKNOWN_PROPERTY", "unknown property"},
	1610: {"ERROR_BAD_CONFIGURATION", "the configuration data of this product is corrupt"},
	1612: {"ERROR_INSTALL_SOURCE_ABSENT", "the installation source of this product is not available"},
	1613: {"ERROR_INSTALL_PACKAGE_VERSION", "this package needs a newer Windows Installer"},
	1618: {"ERROR_INSTALL_ALREADY_RUNNING", "another installation is already in progress"},
	1619: {"ERROR_INSTALL_PACKAGE_OPEN_FAILED", "the installation package could not be opened"},
	1620: {"ERROR_INSTALL_PACKAGE_INVALID", "the installation package is invalid"},
	1624: {"ERROR_INSTALL_TRANSFORM_FAILURE", "error applying transforms"},
	1625: {"ERROR_INSTALL_PACKAGE_REJECTED", "system policy prohibits this installation"},
	1627: {"ERROR_FUNCTION_FAILED", "the function failed during execution"},
	1633: {"ERROR_INSTALL_PLATFORM_UNSUPPORTED", "this platform is not supported"},
	1635: {"ERROR_PATCH_PACKAGE_OPEN_FAILED", "the patch package could not be opened"},
	1636: {"ERROR_PATCH_PACKAGE_INVALID", "the patch package is invalid"},
	1637: {"ERROR_PATCH_PACKAGE_UNSUPPORTED", "the patch needs a newer Windows Installer"},
	1638: {"ERROR_PRODUCT_VERSION", "another version of this product is already installed"},
	1639: {"ERROR_INVALID_COMMAND_LINE", "invalid command line argument"},
	1641: {"ERROR_SUCCESS_REBOOT_INITIATED", "the installer has initiated a restart"},
	1642: {"ERROR_PATCH_TARGET_NOT_FOUND", "the program to be upgraded may be missing, or the patch updates a different version"},
	1643: {"ERROR_PATCH_PACKAGE_REJECTED", "system policy prohibits this patch"},
	1644: {"ERROR_INSTALL_TRANSFORM_REJECTED", "system policy prohibits a customization transform"},
	1646: {"ERROR_PATCH_REMOVAL_UNSUPPORTED", "the patch is not removable"},
	1648: {"ERROR_PATCH_NO_SEQUENCE", "no valid sequence could be found for the set of patches"},
	1649: {"ERROR_PATCH_REMOVAL_DISALLOWED", "patch removal was disallowed by policy"},
	1650: {"ERROR_INVALID_PATCH_XML", "the XML patch data is invalid"},
	3010: {"ERROR_SUCCESS_REBOOT_REQUIRED", "a restart is required to complete the installation"},
}

// ErrorName is the winerror.h name of a Windows Installer return code.
func ErrorName(code uint32) string {
	if e, ok := msiErrors[code]; ok {
		return e[0]
	}
	return fmt.Sprintf("error %d", code)
}

// errorText is "NAME: meaning" for a code.
func errorText(code uint32) string {
	if e, ok := msiErrors[code]; ok {
		return e[0] + ": " + e[1]
	}
	return fmt.Sprintf("Windows Installer error %d", code)
}
