//go:build windows

package lock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"golang.org/x/sys/windows"
)

const (
	// MSIExecuteMutex is set by Windows Installer while any execute
	// sequence runs (KB 822454); msiexec fails with 1618 while it is.
	MSIExecuteMutex = `Global\_MSIExecute`
	// MachineMutex is the named mutex ohotfix holds while applying.
	MachineMutex = `Global\OHotfix_Apply`
	// machineRecordName is the holder record in the record directory.
	machineRecordName = "ohotfix-apply.holder"
)

// mutexLocker is the Windows machine lock: free only when Windows Installer
// is idle and no other ohotfix run holds MachineMutex.
type mutexLocker struct {
	dir     string
	held    *ownedMutex
	msiBusy bool // the last try found _MSIExecute set
}

func machineLocker(opts Options) (locker, error) {
	dir := opts.Dir
	if dir == "" {
		dir = os.TempDir()
		if pd := os.Getenv("ProgramData"); pd != "" {
			dir = filepath.Join(pd, "ohotfix")
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("lock record directory: %w", err)
	}
	return &mutexLocker{dir: dir}, nil
}

func (l *mutexLocker) name() string       { return MachineMutex }
func (l *mutexLocker) recordPath() string { return filepath.Join(l.dir, machineRecordName) }

func (l *mutexLocker) tryLock() (bool, error) {
	busy, err := msiExecuteSet()
	if err != nil {
		return false, err
	}
	if l.msiBusy = busy; busy {
		return false, nil
	}
	m, ok, err := takeMutex(MachineMutex)
	if err != nil || !ok {
		return false, err
	}
	l.held = m
	return true, nil
}

func (l *mutexLocker) holder() Holder {
	if l.msiBusy {
		return Holder{Note: "Windows Installer is running an installation (" + MSIExecuteMutex + " is set)"}
	}
	if h, ok := readRecord(l.recordPath()); ok {
		return h
	}
	return Holder{Note: "another ohotfix run (no holder record)"}
}

func (l *mutexLocker) unlock() error {
	if l.held == nil {
		return nil
	}
	err := l.held.release()
	l.held = nil
	return err
}

// msiExecuteSet opens _MSIExecute without creating it, as PSADT does: not
// found = idle; found = busy; access denied = busy (it exists, owned by the
// installer service).
func msiExecuteSet() (bool, error) {
	name, err := windows.UTF16PtrFromString(MSIExecuteMutex)
	if err != nil {
		return false, err
	}
	h, err := windows.OpenMutex(windows.SYNCHRONIZE, false, name)
	switch {
	case err == nil:
		windows.CloseHandle(h)
		return true, nil
	case errors.Is(err, windows.ERROR_FILE_NOT_FOUND):
		return false, nil
	case errors.Is(err, windows.ERROR_ACCESS_DENIED):
		return true, nil
	}
	return false, fmt.Errorf("probe %s: %w", MSIExecuteMutex, err)
}

// ownedMutex is a mutex owned by a dedicated OS thread. Windows ties mutex
// ownership to the thread that acquired it and only that thread may release
// it, while goroutines move between threads; so one goroutine locks itself
// to a thread, takes the mutex, and waits there for the release.
type ownedMutex struct {
	quit chan struct{}
	done chan error
}

func takeMutex(name string) (*ownedMutex, bool, error) {
	name16, err := windows.UTF16PtrFromString(name)
	if err != nil {
		return nil, false, err
	}
	type result struct {
		ok  bool
		err error
	}
	res := make(chan result, 1)
	m := &ownedMutex{quit: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		// CreateMutex opens the mutex when it exists (returning
		// ERROR_ALREADY_EXISTS with a valid handle).
		h, err := windows.CreateMutex(nil, false, name16)
		if h == 0 {
			if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
				err = fmt.Errorf("open %s: %w (run ohotfix elevated)", name, err)
			}
			res <- result{err: err}
			return
		}
		ev, err := windows.WaitForSingleObject(h, 0)
		switch ev {
		case windows.WAIT_OBJECT_0, windows.WAIT_ABANDONED:
			// WAIT_ABANDONED: the previous owner died holding it; Windows
			// hands it to us, and newHandle reports the stale record.
		case uint32(windows.WAIT_TIMEOUT):
			windows.CloseHandle(h)
			res <- result{}
			return
		default:
			windows.CloseHandle(h)
			res <- result{err: fmt.Errorf("wait on %s: %w", name, err)}
			return
		}
		res <- result{ok: true}
		<-m.quit
		rerr := windows.ReleaseMutex(h)
		windows.CloseHandle(h)
		m.done <- rerr
	}()
	r := <-res
	if !r.ok {
		return nil, false, r.err
	}
	return m, true, nil
}

func (m *ownedMutex) release() error {
	close(m.quit)
	return <-m.done
}
