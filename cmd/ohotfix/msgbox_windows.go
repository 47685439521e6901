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
	user32                    = windows.NewLazySystemDLL("user32.dll")
	procMessageBoxW           = user32.NewProc("MessageBoxW")
)

// ownsConsoleAlone: GetConsoleProcessList counts the processes attached to
// our console; 1 (or 0: no console) means nobody else, such as a shell,
// shows our text.
func ownsConsoleAlone() bool {
	var pids [4]uint32
	n, _, _ := procGetConsoleProcessList.Call(uintptr(unsafe.Pointer(&pids[0])), uintptr(len(pids)))
	return n <= 1
}

// MessageBoxW flags and answers.
const (
	mbOK              = 0x00000000
	mbRetryCancel     = 0x00000005
	mbYesNo           = 0x00000004
	mbIconError       = 0x00000010
	mbIconQuestion    = 0x00000020
	mbIconWarning     = 0x00000030
	mbIconInformation = 0x00000040
	mbSetForeground   = 0x00010000
	mbTopMost         = 0x00040000
	idOK              = 1
	idRetry           = 4
	idYes             = 6
	idContinue        = 11 // the highest button id
)

// messageBox shows a modal box; yes reports whether the person chose the
// affirmative button (OK, Retry, Yes), shown whether the box could be
// shown at all (MessageBoxW fails, e.g., while the desktop is not ready).
func messageBox(title, text string, kind boxKind) (yes, shown bool) {
	flags := uintptr(mbSetForeground | mbTopMost)
	switch kind {
	case boxInfo:
		flags |= mbOK | mbIconInformation
	case boxError:
		flags |= mbOK | mbIconError
	case boxRetry:
		flags |= mbRetryCancel | mbIconWarning
	case boxQuestion:
		flags |= mbYesNo | mbIconQuestion
	}
	t16, _ := windows.UTF16PtrFromString(strings.ReplaceAll(title, "\x00", ""))
	m16, _ := windows.UTF16PtrFromString(strings.ReplaceAll(text, "\x00", ""))
	r, _, _ := procMessageBoxW.Call(0, uintptr(unsafe.Pointer(m16)), uintptr(unsafe.Pointer(t16)), flags)
	id := int32(r)
	if id < idOK || id > idContinue {
		return false, false
	}
	return id == idOK || id == idRetry || id == idYes, true
}
