//go:build !windows

package bootstrap

// SystemRebooter never restarts a non-Windows machine: an admin image on a
// Linux file server is patched in place and nothing needs a restart; a 3010
// from elsewhere is passed on to the caller.
type SystemRebooter struct{ Prompt func(string) bool }

func (s SystemRebooter) Confirm(msg string) bool {
	if s.Prompt == nil {
		return false
	}
	return s.Prompt(msg)
}

func (SystemRebooter) Reboot(string) error { return ErrRebootUnsupported }

// Supported is false: there is nothing to ask or do.
func (SystemRebooter) Supported() bool { return false }
