//go:build windows

package checks

import (
	"errors"
	"strings"

	"golang.org/x/sys/windows/registry"
)

// rebootKeys are HKLM keys whose mere existence means a reboot is pending.
var rebootKeys = []struct{ path, why string }{
	{`SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending`, "Component Based Servicing: RebootPending"},
	{`SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired`, "Windows Update: RebootRequired"},
}

func probePendingReboot() RebootState {
	var st RebootState
	var errs []string
	note := func(why string) { st.Pending = true; st.Reasons = append(st.Reasons, why) }
	fail := func(err error) {
		if !errors.Is(err, registry.ErrNotExist) {
			errs = append(errs, err.Error())
		}
	}

	for _, k := range rebootKeys {
		key, err := registry.OpenKey(registry.LOCAL_MACHINE, k.path, registry.QUERY_VALUE)
		if err != nil {
			fail(err)
			continue
		}
		key.Close()
		note(k.why)
	}

	// Files queued to be replaced at boot: the classic "in use" outcome of an
	// earlier install.
	if key, err := registry.OpenKey(registry.LOCAL_MACHINE, `SYSTEM\CurrentControlSet\Control\Session Manager`, registry.QUERY_VALUE); err != nil {
		fail(err)
	} else {
		vals, _, err := key.GetStringsValue("PendingFileRenameOperations")
		key.Close()
		if err == nil && len(nonEmpty(vals)) > 0 {
			note("Session Manager: PendingFileRenameOperations")
		} else if err != nil {
			fail(err)
		}
	}

	// Windows Update's volatile "update.exe ran" marker.
	if key, err := registry.OpenKey(registry.LOCAL_MACHINE, `SOFTWARE\Microsoft\Updates`, registry.QUERY_VALUE); err != nil {
		fail(err)
	} else {
		v, _, err := key.GetIntegerValue("UpdateExeVolatile")
		key.Close()
		if err == nil && v != 0 {
			note("Updates: UpdateExeVolatile")
		} else if err != nil {
			fail(err)
		}
	}

	// A computer rename takes effect at the next boot.
	active, errA := computerName(`SYSTEM\CurrentControlSet\Control\ComputerName\ActiveComputerName`)
	pending, errP := computerName(`SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName`)
	if errA == nil && errP == nil && !strings.EqualFold(active, pending) {
		note("computer rename pending (" + active + " → " + pending + ")")
	}

	if !st.Pending && len(errs) > 0 {
		st.Err = strings.Join(errs, "; ")
	}
	return st
}

func computerName(path string) (string, error) {
	key, err := registry.OpenKey(registry.LOCAL_MACHINE, path, registry.QUERY_VALUE)
	if err != nil {
		return "", err
	}
	defer key.Close()
	s, _, err := key.GetStringValue("ComputerName")
	return s, err
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
