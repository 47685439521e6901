//go:build windows

// Command msiexecholder stands for another installation in the client Wine
// tests: it owns Global\_MSIExecute, as Windows Installer does while an
// execute sequence runs, writes READY once it does, and releases the mutex
// after SECONDS (or when the file RELEASE appears, when given).
//
//	msiexecholder SECONDS READY [RELEASE]
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"time"

	"golang.org/x/sys/windows"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: msiexecholder SECONDS READY [RELEASE]")
		os.Exit(2)
	}
	secs, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	runtime.LockOSThread() // a mutex belongs to the thread that took it
	name, _ := windows.UTF16PtrFromString(`Global\_MSIExecute`)
	h, err := windows.CreateMutex(nil, true, name)
	if h == 0 {
		fmt.Fprintln(os.Stderr, "CreateMutex:", err)
		os.Exit(1)
	}
	if err == windows.ERROR_ALREADY_EXISTS {
		fmt.Fprintln(os.Stderr, "Global\\_MSIExecute already exists")
		os.Exit(1)
	}
	if err := os.WriteFile(os.Args[2], []byte("held\n"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	deadline := time.Now().Add(time.Duration(secs) * time.Second)
	for time.Now().Before(deadline) {
		if len(os.Args) > 3 {
			if _, err := os.Stat(os.Args[3]); err == nil {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	windows.ReleaseMutex(h)
	windows.CloseHandle(h)
	fmt.Println("released")
}
