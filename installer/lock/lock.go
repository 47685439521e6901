// Package lock is ohotfix's running-install lock (the subject of KB 822454):
// one machine-wide lock held only while patches are being applied — never
// while detecting or planning — plus a per-admin-image lock for the admin
// engine.
//
// On POSIX the lock is an flock(2) on a file in the system lock directory, so
// the kernel drops it when its holder dies, however it dies. On Windows the
// run first probes Windows Installer's own Global\_MSIExecute mutex (set while
// any msiexec execute sequence runs) and then holds a named mutex of ours,
// which Windows marks abandoned when its owner dies.
//
// The holder writes a small record (pid, command line, host, start time) into
// a sidecar file so that a waiting run can say who it is waiting for; a record
// left by a killed holder is detected as stale and replaced.
//
// Waiting is shared by all kinds of lock: Acquire and AcquireFile retry with
// exponential backoff until the lock is free, the timeout passes (→ 1618,
// naming the holder), the OnBusy callback declines, or the context is
// cancelled (→ 1602).
package lock

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ohotfix/ohotfix/exitcode"
)

// DefaultTimeout is how long Acquire waits when Options.Timeout is zero: the
// default of the ini extension key InstallerWaitSeconds (600).
const DefaultTimeout = 600 * time.Second

// NoWait as Options.Timeout makes Acquire try once and return at once.
const NoWait time.Duration = -1

// WaitFromSeconds turns the ini extension key InstallerWaitSeconds into
// Options.Timeout: n > 0 waits n seconds, n <= 0 does not wait at all.
// (An absent key means DefaultTimeout: leave Timeout zero.)
func WaitFromSeconds(n int) time.Duration {
	if n <= 0 {
		return NoWait
	}
	return time.Duration(n) * time.Second
}

// ImageLockName is the lock file the admin engine takes inside an
// administrative image's folder (AcquireFile(ctx, filepath.Join(dir,
// ImageLockName), opts)). The file stays after release: deleting a lock file
// would let two runs lock two different files of the same name.
const ImageLockName = ".ohotfix-image.lock"

// MachineLockName is the POSIX machine lock's file name in the lock
// directory (see Options.Dir).
const MachineLockName = "ohotfix-apply.lock"

// Options tune a wait. The zero value waits DefaultTimeout silently.
type Options struct {
	// Timeout bounds the wait: 0 = DefaultTimeout, NoWait = a single try.
	Timeout time.Duration
	// OnBusy is called after each failed try with who holds the lock; return
	// false to stop waiting (the user pressed Cancel → 1602). It runs on the
	// waiting goroutine; keep it short.
	OnBusy func(Busy) bool
	// Logf receives one line when the wait starts and whenever the holder
	// changes (e.g. a zap SugaredLogger's Infof).
	Logf func(format string, args ...any)
	// Dir overrides the directory of the machine lock (and, on Windows, of
	// its holder record). Tests use it; production leaves it empty.
	Dir string
	// MinBackoff and MaxBackoff bound the pause between tries
	// (defaults 50ms and 2s).
	MinBackoff, MaxBackoff time.Duration
	// Command is recorded as the holder's command line; nil = os.Args.
	Command []string
}

// Busy is what a waiter knows during the wait.
type Busy struct {
	Lock      string        // lock file path or mutex name
	Holder    Holder        // who holds it, as far as the OS tells
	Waited    time.Duration // since Acquire was called
	Remaining time.Duration // until the timeout
}

// ErrSymlink is returned when the lock path is a symbolic link: following it
// would let anyone who can write the lock directory make ohotfix create or
// lock a file of their choosing.
var ErrSymlink = errors.New("lock path is a symbolic link; refusing to follow it")

// ErrCancelled is the reason of a wait stopped by OnBusy or the context.
var ErrCancelled = errors.New("wait for the running installation was cancelled")

// BusyError is the reason of a wait that timed out; it is returned wrapped in
// an *exitcode.Error carrying exitcode.AlreadyRunning (1618).
type BusyError struct {
	Lock   string
	Holder Holder
	Waited time.Duration
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("another installation is running: %s (waited %s for %s)",
		e.Holder, e.Waited.Round(time.Millisecond), e.Lock)
}

// Acquire takes the machine-wide running-install lock, waiting as opts say.
// Call it right before applying patches and Release right after.
func Acquire(ctx context.Context, opts Options) (*Handle, error) {
	l, err := machineLocker(opts)
	if err != nil {
		return nil, exitcode.Wrap(exitcode.Fatal, err)
	}
	return wait(ctx, l, opts)
}

// AcquireFile takes the lock file at path (created if missing, never through a
// symlink), waiting as opts say. The admin engine uses it for the per-image
// lock (see ImageLockName).
func AcquireFile(ctx context.Context, path string, opts Options) (*Handle, error) {
	return wait(ctx, newFileLocker(path), opts)
}
