package cfb

import (
	"strconv"
	"time"
)

// Entry is one directory entry: a storage (with Children) or a stream.
type Entry struct {
	// Name is the UTF-16 name decoded to a Go string, as stored. MSI's packed
	// table and stream names are not decoded here: they come out as ordinary
	// BMP runes in 0x3800..0x4840.
	Name      string
	Type      EntryType
	CLSID     [16]byte // as stored (GUID byte layout)
	StateBits uint32
	Created   time.Time
	Modified  time.Time
	Size      int64
	// Children of a storage, in CFB order (length, then upper-cased UTF-16).
	Children []*Entry

	id    uint32
	units []uint16 // the raw UTF-16 name, for ordering
	start uint32
}

// IsStorage reports whether e is a storage (or the root storage).
func (e *Entry) IsStorage() bool {
	return e.Type == TypeStorage || e.Type == TypeRootStorage
}

// Child returns the child with exactly this name, or nil.
func (e *Entry) Child(name string) *Entry {
	for _, c := range e.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// walk calls fn for every entry below e, depth first in directory order,
// stopping at the first error.
func (e *Entry) walk(fn func(*Entry) error) error {
	for _, c := range e.Children {
		if err := fn(c); err != nil {
			return err
		}
		if c.IsStorage() {
			if err := c.walk(fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// filetimeEpochDelta is the number of 100 ns intervals between 1601-01-01
// (the FILETIME epoch) and 1970-01-01.
const filetimeEpochDelta = 116444736000000000

func fromFiletime(ft uint64) time.Time {
	if ft == 0 {
		return time.Time{}
	}
	// Split before subtracting so no value can overflow int64.
	secs := int64(ft/10_000_000) - filetimeEpochDelta/10_000_000
	return time.Unix(secs, int64(ft%10_000_000)*100).UTC()
}

func toFiletime(t time.Time) uint64 {
	if t.IsZero() {
		return 0
	}
	secs := t.Unix() + filetimeEpochDelta/10_000_000
	if secs < 0 {
		return 0
	}
	return uint64(secs)*10_000_000 + uint64(t.Nanosecond()/100)
}

func quote(s string) string { return strconv.Quote(s) }
