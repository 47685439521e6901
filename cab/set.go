package cab

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ohotfix/ohotfix/internal/safeopen"
)

// Opener opens the cabinet a neighbour's header names (szCabinetNext or
// szCabinetPrev). If the returned ReaderAt is also an io.Closer, the
// Reader's Close closes it.
type Opener func(name string) (io.ReaderAt, int64, error)

// maxSetCabinets bounds how far a set is followed (iCabinet is 16 bits).
const maxSetCabinets = 65535

// OpenSet opens the cabinet at path and every cabinet of its set it can
// find in the same directory, following the previous and next cabinet
// names case-insensitively. Cabinets that cannot be found are left out:
// the files whose data lives in them fail with ErrIncompleteSet.
func OpenSet(path string) (*Reader, error) {
	f, size, err := safeopen.OpenSized(path)
	if err != nil {
		return nil, err
	}
	r, err := NewSetReader(f, size, DirOpener(filepath.Dir(path)))
	if err != nil {
		f.Close()
		return nil, err
	}
	r.Cabinets[r.firstIndex()].Name = path
	return r, nil
}

// DirOpener resolves cabinet names inside dir, ignoring case and any
// directory part of the stored name (a header must not send us elsewhere).
func DirOpener(dir string) Opener {
	var index map[string]string
	return func(name string) (io.ReaderAt, int64, error) {
		base := storedBase(name)
		if base == "." || base == "/" || base == ".." {
			return nil, 0, os.ErrNotExist
		}
		p := filepath.Join(dir, base)
		if _, err := os.Stat(p); err != nil {
			if index == nil {
				index = map[string]string{}
				ents, _ := os.ReadDir(dir)
				for _, e := range ents {
					index[strings.ToLower(e.Name())] = e.Name()
				}
			}
			real, ok := index[strings.ToLower(base)]
			if !ok {
				return nil, 0, os.ErrNotExist
			}
			p = filepath.Join(dir, real)
		}
		f, size, err := safeopen.OpenSized(p)
		if err != nil {
			if errors.Is(err, safeopen.ErrNotRegular) {
				return nil, 0, os.ErrNotExist // not a cabinet of the set
			}
			return nil, 0, err
		}
		return namedFile{f}, size, nil
	}
}

// storedBase is the file name part of a cabinet name stored in a header,
// whose directory separators may be `\` or `/`.
func storedBase(name string) string {
	return filepath.Base(strings.ReplaceAll(name, `\`, "/"))
}

// namedFile lets the set reader name a cabinet after the file it came from.
type namedFile struct{ *os.File }

// NewSetReader reads the cabinet in r and follows its set through open in
// both directions. The first cabinet's ReaderAt is closed by Close too if it
// is an io.Closer.
func NewSetReader(r io.ReaderAt, size int64, open Opener) (*Reader, error) {
	first, err := readCabinet(r, 0, size)
	if err != nil {
		return nil, err
	}
	nameOf(first, r)
	cabs := []*Cabinet{first}
	var opened []io.Closer // neighbours we opened (and close on failure)
	fail := func(err error) (*Reader, error) {
		for _, c := range opened {
			c.Close()
		}
		return nil, err
	}
	seen := map[string]bool{strings.ToLower(filepath.Base(first.Name)): true}
	follow := func(from *Cabinet, prev bool) (*Cabinet, error) {
		name := from.NextCabinet
		if prev {
			name = from.PrevCabinet
		}
		key := strings.ToLower(storedBase(name))
		if name == "" || seen[key] || len(cabs) >= maxSetCabinets {
			return nil, nil
		}
		seen[key] = true
		ra, sz, err := open(name)
		if err != nil {
			return nil, nil // a missing neighbour leaves the set incomplete
		}
		if c, ok := ra.(io.Closer); ok {
			opened = append(opened, c)
		}
		c, err := readCabinet(ra, 0, sz)
		if err != nil {
			return nil, err
		}
		c.Name = name
		nameOf(c, ra)
		if c.SetID != from.SetID {
			return nil, newErr(ErrSetMismatch, "%q has set id %d, %q has %d", c.Name, c.SetID, from.Name, from.SetID)
		}
		return c, nil
	}
	// Backwards first (prepending), then forwards (appending).
	for _, back := range []bool{true, false} {
		for c := first; back && c.HasPrev() || !back && c.HasNext(); {
			n, err := follow(c, back)
			if err != nil {
				return fail(err)
			}
			if n == nil {
				break
			}
			if back {
				cabs = append([]*Cabinet{n}, cabs...)
			} else {
				cabs = append(cabs, n)
			}
			c = n
		}
	}
	rd, err := assemble(cabs)
	if err != nil {
		return fail(err)
	}
	if c, ok := r.(io.Closer); ok {
		rd.closers = append(rd.closers, c)
	}
	rd.closers = append(rd.closers, opened...)
	rd.first = first
	return rd, nil
}

// nameOf records the file name of a cabinet opened from a file.
func nameOf(c *Cabinet, r io.ReaderAt) {
	switch f := r.(type) {
	case namedFile:
		c.Name = f.Name()
	case *os.File:
		c.Name = f.Name()
	}
}

// firstIndex is the position in Cabinets of the cabinet the set was opened
// from.
func (r *Reader) firstIndex() int {
	for i, c := range r.Cabinets {
		if c == r.first {
			return i
		}
	}
	return 0
}

// JoinSet merges readers of consecutive cabinets of one set, given in set
// order, into one Reader (folders continued across cabinets become one).
// The parts' files are closed by the result's Close.
func JoinSet(parts ...*Reader) (*Reader, error) {
	if len(parts) == 0 {
		return nil, newErr(ErrSetMismatch, "no cabinets")
	}
	var cabs []*Cabinet
	seen := map[*Cabinet]bool{}
	for _, p := range parts {
		if p == nil {
			return nil, newErr(ErrSetMismatch, "nil cabinet")
		}
		for _, c := range p.Cabinets {
			if seen[c] {
				return nil, newErr(ErrSetMismatch, "cabinet %q given twice", c.Name)
			}
			seen[c] = true
			if len(cabs) > 0 {
				prev := cabs[len(cabs)-1]
				if c.SetID != prev.SetID {
					return nil, newErr(ErrSetMismatch, "set ids %d and %d differ", prev.SetID, c.SetID)
				}
				if !prev.HasNext() || !c.HasPrev() || c.Index < prev.Index {
					return nil, newErr(ErrSetMismatch, "%q is not followed by %q", prev.Name, c.Name)
				}
			}
			cabs = append(cabs, c)
		}
	}
	r, err := assemble(cabs)
	if err != nil {
		return nil, err
	}
	for _, p := range parts {
		r.closers = append(r.closers, p.closers...)
		p.closers = nil
	}
	return r, nil
}
