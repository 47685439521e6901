//go:build windows

package windows

import (
	"github.com/ohotfix/ohotfix/exitcode"
)

// New returns the client backend over the system's msi.dll; without one
// (a Windows without Windows Installer) it fails with 1633.
func New(opts Options) (*Backend, error) {
	api, err := SystemMSI()
	if err != nil {
		return nil, exitcode.New(exitcode.PlatformUnsupported, "Windows Installer is not available: %v", err)
	}
	return NewWithAPI(api, opts), nil
}
