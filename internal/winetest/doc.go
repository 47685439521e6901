// Package winetest runs Windows Installer, as implemented by Wine, as a test oracle for the
// MSI, transform and patch files that ohotfix reads and writes. It is for tests only.
//
// A test calls [Require] (skip when Wine or mingw-w64 is missing, fail when CI=true), then
// [NewPrefix] for a private, already-booted WINEPREFIX copied from a template that is built once
// per Wine version and cached under os.UserCacheDir() (override: OHOTFIX_WINETEST_CACHE). In it
// the test can run msiexec ([Prefix.Msiexec]), Windows programs ([Prefix.Run]), Go programs
// cross-compiled with [BuildWindowsExe], and small C tools built with mingw-w64 from csrc/
// ([Prefix.Tool]): msiapply (MsiDatabaseApplyTransformW), msiquery (SQL through msi.dll) and
// msiproducts (MsiEnumProducts/MsiEnumPatches).
//
// Two Wine 8 gaps are papered over: Go 1.24+ binaries need bcryptprimitives!ProcessPrng, so a
// one-export shim DLL (csrc/bcryptprimitives.c) is put into the prefix's system32; and a Unix
// exit status keeps only 8 bits of a Windows exit code (1603 arrives as 67), so every program
// runs under csrc/wexit.c, which records the full code in a file.
package winetest
