// Package windows is the client installer backend: it patches installed
// products through Windows Installer (msi.dll).
//
// The backend's logic (backend.go: inventory, apply, result codes, the
// 1618 retry) is portable and speaks to msi.dll through the small MSI
// interface (api.go), one method per API call; msi_windows.go implements it
// over the real DLL with golang.org/x/sys/windows lazy procs, and the unit
// tests over a fake that enforces the API's rules (sequential enumeration
// indices). The scan of a cached package for nested-installation custom
// actions (nested.go) is pure Go over the msi package.
//
// On other systems New does not exist; Unsupported says what works there
// instead (1633).
package windows
