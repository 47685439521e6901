package lock

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/ohotfix/ohotfix/exitcode"
)

// locker is one kind of lock (a lock file, Windows mutexes) under the shared
// wait loop.
type locker interface {
	// name identifies the lock for messages (path or mutex name).
	name() string
	// tryLock takes the lock without waiting.
	tryLock() (bool, error)
	// holder describes the current holder, as far as the OS tells.
	holder() Holder
	// recordPath is where the holder record lives.
	recordPath() string
	unlock() error
}

const (
	defaultMinBackoff = 50 * time.Millisecond
	defaultMaxBackoff = 2 * time.Second
)

func wait(ctx context.Context, l locker, opts Options) (*Handle, error) {
	timeout := opts.Timeout
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	minB, maxB := opts.MinBackoff, opts.MaxBackoff
	if minB <= 0 {
		minB = defaultMinBackoff
	}
	if maxB < minB {
		maxB = max(minB, defaultMaxBackoff)
	}
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}

	start := time.Now()
	delay := minB
	var last Holder
	for try := 0; ; try++ {
		if err := ctx.Err(); err != nil {
			return nil, ctxError(err, l, last, time.Since(start))
		}
		ok, err := l.tryLock()
		if err != nil {
			return nil, exitcode.Wrap(exitcode.Fatal, err)
		}
		if ok {
			if try > 0 {
				logf("lock %s acquired after waiting %s", l.name(), time.Since(start).Round(time.Millisecond))
			}
			return newHandle(l, opts, logf), nil
		}
		h := l.holder()
		if try == 0 || !sameHolder(h, last) {
			logf("lock %s is held by %s; waiting up to %s", l.name(), h, max(timeout, 0))
		}
		last = h
		waited := time.Since(start)
		remaining := timeout - waited
		if remaining <= 0 {
			logf("gave up waiting for lock %s after %s; held by %s", l.name(), waited.Round(time.Millisecond), h)
			return nil, exitcode.Wrap(exitcode.AlreadyRunning, &BusyError{Lock: l.name(), Holder: h, Waited: waited})
		}
		if opts.OnBusy != nil && !opts.OnBusy(Busy{Lock: l.name(), Holder: h, Waited: waited, Remaining: remaining}) {
			logf("wait for lock %s cancelled by the user", l.name())
			return nil, exitcode.Wrap(exitcode.UserCancelled, ErrCancelled)
		}
		// Jitter spreads waiters that started together.
		pause := min(delay/2+rand.N(delay/2+1), remaining)
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctxError(ctx.Err(), l, h, time.Since(start))
		case <-t.C:
		}
		delay = min(delay*2, maxB)
	}
}

// ctxError maps a cancelled context to 1602 (the caller, e.g. Ctrl-C, gave
// up) and an expired one to 1618 (a caller's own deadline is a timeout).
func ctxError(err error, l locker, h Holder, waited time.Duration) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return exitcode.Wrap(exitcode.AlreadyRunning, &BusyError{Lock: l.name(), Holder: h, Waited: waited})
	}
	return exitcode.Wrap(exitcode.UserCancelled, errors.Join(ErrCancelled, err))
}

func sameHolder(a, b Holder) bool {
	return a.PID == b.PID && a.Note == b.Note && a.Stale == b.Stale && a.Since.Equal(b.Since)
}
