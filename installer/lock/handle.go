package lock

import (
	"errors"
	"sync"
)

// Handle is a held lock. Release it exactly when the work it guards is done;
// Release is safe to call more than once.
type Handle struct {
	l   locker
	own Holder
	// TookOver is the record of a previous holder that died without
	// releasing (nil when the lock was cleanly free).
	TookOver *Holder

	mu       sync.Mutex
	released bool
}

// newHandle records this process as the holder. A record already present is
// a previous holder's that never released: the kernel (or Windows, for an
// abandoned mutex) freed the lock when that process died.
func newHandle(l locker, opts Options, logf func(string, ...any)) *Handle {
	h := &Handle{l: l, own: self(opts.Command)}
	if prev, ok := readRecord(l.recordPath()); ok {
		prev.Stale = true
		h.TookOver = &prev
		logf("lock %s: taking over from %s, which ended without releasing it", l.name(), prev)
	}
	removeStrayRecordTemps(l.recordPath(), logf)
	if err := writeRecord(l.recordPath(), h.own); err != nil {
		// The lock is ours regardless; waiters will just not see our name.
		logf("lock %s: could not write the holder record: %v", l.name(), err)
	}
	return h
}

// Name is the lock file path or mutex name.
func (h *Handle) Name() string { return h.l.name() }

// Holder is the record this process wrote.
func (h *Handle) Holder() Holder { return h.own }

// Release removes the holder record and releases the lock.
func (h *Handle) Release() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.released {
		return nil
	}
	h.released = true
	// The record goes first: once the lock is free, the next holder's
	// record must not be deleted by us.
	rerr := removeRecord(h.l.recordPath(), h.own)
	return errors.Join(rerr, h.l.unlock())
}
