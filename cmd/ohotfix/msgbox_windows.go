//go:build windows

package main

import (
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	kernel32                  = windows.NewLazySystemDLL("kernel32.dll")
	procGetConsoleProcessList = kernel32.NewProc("GetConsoleProcessList")
)

// ownsConsoleAlone: GetConsoleProcessList counts the processes attached to
// our console; 1 (or 0: no console) means nobody else, such as a shell,
// shows our text.
func ownsConsoleAlone() bool {
	var pids [4]uint32
	n, _, _ := procGetConsoleProcessList.Call(uintptr(unsafe.Pointer(&pids[0])), uintptr(len(pids)))
	return n <= 1
}

// MessageBoxW's answers (x/sys/windows has its flags, not these).
const (
	idOK       = 1
	idRetry    = 4
	idYes      = 6
	idContinue = 11 // the highest button id
)

// messageBox shows a modal box; yes reports whether the person chose the
// affirmative button (OK, Retry, Yes), shown whether the box could be
// shown at all (MessageBoxW fails, e.g., while the desktop is not ready).
func messageBox(title, text string, kind boxKind) (yes, shown bool) {
	flags := uint32(windows.MB_SETFOREGROUND | windows.MB_TOPMOST)
	switch kind {
	case boxInfo:
		flags |= windows.MB_OK | windows.MB_ICONINFORMATION
	case boxError:
		flags |= windows.MB_OK | windows.MB_ICONERROR
	case boxRetry:
		flags |= windows.MB_RETRYCANCEL | windows.MB_ICONWARNING
	case boxQuestion:
		flags |= windows.MB_YESNO | windows.MB_ICONQUESTION
	}
	t16, _ := windows.UTF16PtrFromString(strings.ReplaceAll(title, "\x00", ""))
	m16, _ := windows.UTF16PtrFromString(strings.ReplaceAll(text, "\x00", ""))
	id, _ := windows.MessageBox(0, m16, t16, flags)
	if id < idOK || id > idContinue {
		return false, false
	}
	return id == idOK || id == idRetry || id == idYes, true
}
