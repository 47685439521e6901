//go:build windows

package bootstrap

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// SystemRebooter restarts Windows with InitiateShutdown after enabling the
// shutdown privilege, so Windows Installer-style callers get 1641.
type SystemRebooter struct{ Prompt func(string) bool }

func (s SystemRebooter) Confirm(msg string) bool {
	if s.Prompt == nil {
		return false
	}
	return s.Prompt(msg)
}

var (
	advapi32             = windows.NewLazySystemDLL("advapi32.dll")
	procInitiateShutdown = advapi32.NewProc("InitiateShutdownW")
)

const (
	shutdownRestart         = 0x00000004
	shutdownForceOthers     = 0x00000001
	shutdownReasonApp       = 0x00040000 // SHTDN_REASON_MAJOR_APPLICATION
	shutdownReasonInstall   = 0x00000002 // SHTDN_REASON_MINOR_INSTALLATION
	shutdownReasonPlanned   = 0x80000000
	shutdownGracePeriodSecs = 30
)

func (SystemRebooter) Reboot(reason string) error {
	if err := enableShutdownPrivilege(); err != nil {
		return fmt.Errorf("enable SeShutdownPrivilege: %w", err)
	}
	msg, _ := windows.UTF16PtrFromString(reason)
	r, _, _ := procInitiateShutdown.Call(0, uintptr(unsafePointer(msg)), shutdownGracePeriodSecs,
		shutdownRestart|shutdownForceOthers, shutdownReasonApp|shutdownReasonInstall|shutdownReasonPlanned)
	if r != 0 {
		return fmt.Errorf("InitiateShutdown: %w", windows.Errno(r))
	}
	return nil
}

func enableShutdownPrivilege() error {
	var token windows.Token
	if err := windows.OpenProcessToken(windows.CurrentProcess(), windows.TOKEN_ADJUST_PRIVILEGES|windows.TOKEN_QUERY, &token); err != nil {
		return err
	}
	defer token.Close()
	var luid windows.LUID
	name, _ := windows.UTF16PtrFromString("SeShutdownPrivilege")
	if err := windows.LookupPrivilegeValue(nil, name, &luid); err != nil {
		return err
	}
	tp := windows.Tokenprivileges{PrivilegeCount: 1}
	tp.Privileges[0] = windows.LUIDAndAttributes{Luid: luid, Attributes: windows.SE_PRIVILEGE_ENABLED}
	return windows.AdjustTokenPrivileges(token, false, &tp, 0, nil, nil)
}
