package watson

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ohotfix/ohotfix/internal/atomicfile"
)

// DefaultQueueDir is where reports wait: <temp>/OHotfix/Watson, beside the
// run logs in <temp>/OHotfix.
func DefaultQueueDir() string { return filepath.Join(os.TempDir(), "OHotfix", "Watson") }

// Queue is a folder of reports waiting to be sent: <id>.cab, the cabinet,
// and <id>.json, what it is and where it goes. Both are written atomically,
// the description first, and removed cabinet first, so a process killed at
// any point leaves either a whole entry or a stray description (ignored,
// and cleared by Purge) — never a cabinet without its destination.
type Queue struct{ Dir string }

// Entry is one queued report.
type Entry struct {
	ID          string    `json:"id"`
	Bucket      string    `json:"bucket"`
	Destination string    `json:"destination"` // the collector URL it is meant for ("" = none configured)
	Created     time.Time `json:"created"`
}

// ErrNotQueued: no queued report has that id.
var ErrNotQueued = errors.New("watson: no such report in the queue")

func (q *Queue) dir() string {
	if q == nil || q.Dir == "" {
		return DefaultQueueDir()
	}
	return q.Dir
}

func (q *Queue) cabPath(id string) string  { return filepath.Join(q.dir(), id+".cab") }
func (q *Queue) metaPath(id string) string { return filepath.Join(q.dir(), id+".json") }

// Put queues rep for destination. Queuing the same report again only
// updates its destination.
func (q *Queue) Put(rep *Report, destination string) (*Entry, error) {
	if err := os.MkdirAll(q.dir(), 0o700); err != nil {
		return nil, err
	}
	e := &Entry{ID: rep.ID, Bucket: rep.Bucket, Destination: destination, Created: rep.Created}
	if err := q.writeMeta(e); err != nil {
		return nil, err
	}
	if _, err := os.Stat(q.cabPath(rep.ID)); err == nil {
		return e, nil
	}
	if err := atomicfile.WriteFile(q.cabPath(rep.ID), rep.Cabinet, 0o600); err != nil {
		return nil, err
	}
	return e, nil
}

func (q *Queue) writeMeta(e *Entry) error {
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(q.metaPath(e.ID), append(data, '\n'), 0o600)
}

// SetDestination changes where a queued report goes.
func (q *Queue) SetDestination(id, destination string) error {
	e, err := q.Get(id)
	if err != nil {
		return err
	}
	e.Destination = destination
	return q.writeMeta(e)
}

// List returns the queued reports, oldest first. A missing queue folder is
// an empty queue.
func (q *Queue) List() ([]Entry, error) {
	des, err := os.ReadDir(q.dir())
	if errors.Is(err, fs.ErrNotExist) {
		return []Entry{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := []Entry{}
	for _, de := range des {
		id, ok := strings.CutSuffix(de.Name(), ".cab")
		if !ok || !ValidID(id) || !de.Type().IsRegular() {
			continue
		}
		e, err := q.entry(id)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// entry reads the description of a queued cabinet; one whose description
// is unreadable is described from the cabinet itself (no destination).
func (q *Queue) entry(id string) (*Entry, error) {
	var e Entry
	if data, err := os.ReadFile(q.metaPath(id)); err == nil && json.Unmarshal(data, &e) == nil && e.ID == id {
		return &e, nil
	}
	data, err := os.ReadFile(q.cabPath(id))
	if err != nil {
		return nil, err
	}
	rep, _, _, err := Parse(data)
	if err != nil {
		return &Entry{ID: id, Bucket: "invalid"}, nil
	}
	return &Entry{ID: id, Bucket: rep.Bucket, Created: rep.Created}, nil
}

// Get finds a queued report by its id or an unambiguous prefix of it.
func (q *Queue) Get(id string) (*Entry, error) {
	id = strings.ToLower(id)
	if ValidID(id) {
		if _, err := os.Stat(q.cabPath(id)); err != nil {
			return nil, fmt.Errorf("%w: %s", ErrNotQueued, id)
		}
		return q.entry(id)
	}
	all, err := q.List()
	if err != nil {
		return nil, err
	}
	var found *Entry
	for i := range all {
		if id != "" && strings.HasPrefix(all[i].ID, id) {
			if found != nil {
				return nil, fmt.Errorf("watson: %q matches more than one queued report", id)
			}
			found = &all[i]
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotQueued, id)
	}
	return found, nil
}

// Cabinet reads a queued report's cabinet.
func (q *Queue) Cabinet(id string) ([]byte, error) { return os.ReadFile(q.cabPath(id)) }

// Remove takes a report out of the queue (after a collector stored it).
func (q *Queue) Remove(id string) error {
	if err := os.Remove(q.cabPath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Remove(q.metaPath(id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Purge removes every queued report (and stray descriptions or temporary
// files), keeping the remembered consent; it returns how many reports.
func (q *Queue) Purge() (int, error) {
	des, err := os.ReadDir(q.dir())
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, de := range des {
		name := de.Name()
		if !de.Type().IsRegular() || name == consentFile {
			continue
		}
		id := strings.TrimSuffix(strings.TrimSuffix(name, ".cab"), ".json")
		if !ValidID(id) && !strings.HasSuffix(name, ".tmp") {
			continue // not ours
		}
		if err := os.Remove(filepath.Join(q.dir(), name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, err
		}
		if strings.HasSuffix(name, ".cab") {
			n++
		}
	}
	return n, nil
}
