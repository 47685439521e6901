package lock

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/ohotfix/ohotfix/internal/atomicfile"
)

// Holder describes who holds a lock.
type Holder struct {
	PID     int       `json:"pid,omitempty"`
	Command []string  `json:"command,omitempty"` // argv
	Host    string    `json:"host,omitempty"`
	Since   time.Time `json:"since,omitzero"`
	// Start is an OS token for the process's start (Linux: starttime from
	// /proc/PID/stat) that tells a reused pid from the original holder.
	Start string `json:"start,omitempty"`
	// Note names a holder that is not an ohotfix process (e.g. Windows
	// Installer) or says why the holder is unknown.
	Note string `json:"note,omitempty"`
	// Stale is set when the record names a process that is no longer running.
	Stale bool `json:"-"`
}

func (h Holder) String() string {
	var b strings.Builder
	switch {
	case h.PID > 0:
		fmt.Fprintf(&b, "pid %d", h.PID)
		if len(h.Command) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(h.Command, " "))
		}
		if h.Host != "" && h.Host != hostname() {
			fmt.Fprintf(&b, " on %s", h.Host)
		}
		if !h.Since.IsZero() {
			fmt.Fprintf(&b, " since %s", h.Since.Format(time.RFC3339))
		}
		if h.Note != "" {
			b.WriteString("; " + h.Note)
		}
	case h.Note != "":
		b.WriteString(h.Note)
	default:
		b.WriteString("an unknown process")
	}
	if h.Stale {
		b.WriteString(" [stale: that process is no longer running]")
	}
	return b.String()
}

// self is the record this process writes when it takes a lock.
func self(command []string) Holder {
	if command == nil {
		command = os.Args
	}
	pid := os.Getpid()
	return Holder{PID: pid, Command: command, Host: hostname(), Since: time.Now().UTC(), Start: processStart(pid)}
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

// maxRecord bounds what is read from a holder record: a record is a few
// hundred bytes; anything larger is not ours.
const maxRecord = 64 << 10

// readRecord reads the holder record at path. ok is false when there is none
// or it is unreadable (e.g. not yet written).
func readRecord(path string) (h Holder, ok bool) {
	f, err := openNoFollow(path, os.O_RDONLY)
	if err != nil {
		return Holder{}, false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return Holder{}, false // a FIFO or device is no record of ours
	}
	data, err := io.ReadAll(io.LimitReader(f, maxRecord+1))
	if err != nil || len(data) > maxRecord {
		return Holder{}, false
	}
	if err := json.Unmarshal(data, &h); err != nil || (h.PID <= 0 && h.Note == "") {
		return Holder{}, false
	}
	h.Stale = isStale(h)
	return h, true
}

// writeRecord replaces the record at path atomically (temp file + rename), so
// a reader sees the old record or the new one, never half of one. It is not
// synced to disk: after a crash the record is stale whatever it says. It is
// readable by waiters of other users (it holds nothing secret).
func writeRecord(path string, h Holder) error {
	data, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return atomicfile.WriteFileUnsynced(path, append(data, '\n'), 0o644)
}

// removeStrayRecordTemps deletes the temporary files a holder killed while
// writing its record left beside path (atomicfile.Leftovers). Only the
// lock's holder writes the record, and the caller holds the lock, so every
// such file is a dead writer's.
func removeStrayRecordTemps(path string, logf func(string, ...any)) {
	strays, _ := atomicfile.Leftovers(path)
	for _, m := range strays {
		if err := os.Remove(m); err == nil {
			logf("lock: removed %s, left by a holder that died writing its record", m)
		}
	}
}

// removeRecord deletes the record at path if it is still ours.
func removeRecord(path string, own Holder) error {
	h, ok := readRecord(path)
	if ok && (h.PID != own.PID || h.Host != own.Host || !h.Since.Equal(own.Since)) {
		return nil // someone else's by now
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// isStale reports whether h names a process of this host that is gone (or
// whose pid now belongs to another process). Records of other hosts (a
// shared admin image) cannot be judged and are never stale.
func isStale(h Holder) bool {
	if h.PID <= 0 || (h.Host != "" && h.Host != hostname()) {
		return false
	}
	if !processAlive(h.PID) {
		return true
	}
	if h.Start != "" {
		if now := processStart(h.PID); now != "" && now != h.Start {
			return true
		}
	}
	return false
}
