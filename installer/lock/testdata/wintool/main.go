//go:build windows

// wintool exercises package lock's Windows machine lock inside Wine: the
// _MSIExecute probe, our named mutex between threads, abandonment by a dead
// owner thread, and LockFileEx file locks. It prints one line per step:
// "STEP code=N holder=… tookover=PID" for lock_wine_test.go to judge.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"golang.org/x/sys/windows"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer/lock"
)

func main() {
	dir := os.Args[1]
	opts := lock.Options{Dir: dir, Timeout: lock.NoWait}
	ctx := context.Background()
	if len(os.Args) > 2 && os.Args[2] == "hold-and-die" {
		if _, err := lock.Acquire(ctx, opts); err != nil {
			fmt.Println("child acquire:", err)
			os.Exit(1)
		}
		os.Exit(3) // no Release: the mutex is abandoned, the record stays
	}
	report := func(step string, h *lock.Handle, err error) {
		var holder string
		var be *lock.BusyError
		if errors.As(err, &be) {
			holder = be.Holder.String()
		}
		took := 0
		if h != nil && h.TookOver != nil {
			took = h.TookOver.PID
		}
		fmt.Printf("%s code=%d pid=%d holder=%q tookover=%d err=%v\n", step, int(exitcode.Of(err)), os.Getpid(), holder, took, err)
	}

	// 1. Windows Installer busy: _MSIExecute exists.
	name, _ := windows.UTF16PtrFromString(lock.MSIExecuteMutex)
	msi, err := windows.CreateMutex(nil, false, name)
	if msi == 0 {
		fmt.Println("setup failed:", err)
		os.Exit(2)
	}
	_, err = lock.Acquire(ctx, opts)
	report("msibusy", nil, err)
	windows.CloseHandle(msi)

	// 2. Free, then busy for a second taker (another thread), then free again.
	h1, err := lock.Acquire(ctx, opts)
	report("free", h1, err)
	_, err = lock.Acquire(ctx, opts)
	report("busy", nil, err)
	if h1 != nil {
		report("release", nil, h1.Release())
	}
	h2, err := lock.Acquire(ctx, opts)
	report("again", h2, err)
	if h2 != nil {
		h2.Release()
	}

	// 3. A holder process dies without releasing (as when killed): Windows
	// abandons its mutex and its record stays behind.
	child := exec.Command(os.Args[0], dir, "hold-and-die")
	child.Stdout = os.Stdout
	if err := child.Run(); err == nil || child.ProcessState.ExitCode() != 3 {
		fmt.Println("child failed:", err)
		os.Exit(2)
	}
	fmt.Printf("child pid=%d\n", child.ProcessState.Pid())
	h3, err := lock.Acquire(ctx, opts)
	report("abandoned", h3, err)
	if h3 != nil {
		h3.Release()
	}

	// 4. LockFileEx-based image lock.
	path := filepath.Join(dir, lock.ImageLockName)
	f1, err := lock.AcquireFile(ctx, path, opts)
	report("file-free", f1, err)
	_, err = lock.AcquireFile(ctx, path, opts)
	report("file-busy", nil, err)
	if f1 != nil {
		f1.Release()
	}
}
