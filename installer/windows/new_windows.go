//go:build windows

package windows

// New returns the client backend over the system's msi.dll. The DLL is
// loaded on first use (Inventory), not here: cmd/ohotfix starts loading it in
// the background at start-up, and waiting for it here would stop the run
// from reading its patches meanwhile. Without msi.dll (a Windows without
// Windows Installer) Inventory fails with 1633.
func New(opts Options) (*Backend, error) {
	b := NewWithAPI(systemMSI{}, opts)
	b.load = loadMSI
	return b, nil
}
