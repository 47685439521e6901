package admin

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/internal/safeopen"
	"github.com/ohotfix/ohotfix/msi"
)

// mediaCab is one Media row's cabinet, opened.
type mediaCab struct {
	DiskID   int
	LastSeq  int
	Name     string // Media.Cabinet as written ("#stream" or a file name)
	Embedded bool
	rd       *cab.Reader
	members  map[string]*cab.File
}

// cabSet holds the cabinets of a package's Media table.
type cabSet struct {
	media []*mediaCab // by LastSequence
}

func (s *cabSet) Close() {
	for _, m := range s.media {
		if m.rd != nil {
			m.rd.Close()
		}
	}
}

// openCabinets opens every cabinet the Media table names: `#name` streams of
// db, or files beside the package in pkgDir (with the rest of their set).
func openCabinets(db *msi.Database, pkgDir string) (*cabSet, error) {
	rows, err := msi.ReadMedia(db)
	if err != nil {
		return nil, err
	}
	s := &cabSet{}
	for _, r := range rows {
		if r.Cabinet == "" {
			continue
		}
		m := &mediaCab{DiskID: r.DiskID, LastSeq: r.LastSequence, Name: r.Cabinet}
		m.Embedded = strings.HasPrefix(r.Cabinet, "#")
		if m.rd, err = openMediaCabinet(db, pkgDir, r); err != nil {
			s.Close()
			return nil, err
		}
		m.members = make(map[string]*cab.File, len(m.rd.Files))
		for _, f := range m.rd.Files {
			m.members[f.Name] = f
		}
		s.media = append(s.media, m)
	}
	return s, nil
}

// openMediaCabinet opens the cabinet of one Media row: a `#name` stream of
// db, or a file (and the rest of its set) under pkgDir, never outside it.
func openMediaCabinet(db *msi.Database, pkgDir string, r msi.MediaRow) (*cab.Reader, error) {
	if stream, ok := strings.CutPrefix(r.Cabinet, "#"); ok {
		ra, size, err := db.OpenStream(stream)
		if err != nil {
			return nil, fmt.Errorf("cabinet stream %q of Media row %d: %w", stream, r.DiskID, err)
		}
		rd, err := cab.NewReader(ra, size)
		if err != nil {
			return nil, fmt.Errorf("cabinet stream %q: %w", stream, err)
		}
		return rd, nil
	}
	if err := checkSegment("Media cabinet", filepath.Base(r.Cabinet)); err != nil || filepath.IsAbs(r.Cabinet) || strings.Contains(r.Cabinet, "..") {
		return nil, &LayoutError{What: "Media " + fmt.Sprint(r.DiskID), Msg: fmt.Sprintf("cabinet name %q leaves the package folder", r.Cabinet)}
	}
	rd, err := cab.OpenSet(filepath.Join(pkgDir, filepath.FromSlash(strings.ReplaceAll(r.Cabinet, `\`, "/"))))
	if err != nil {
		return nil, fmt.Errorf("external cabinet %q: %w", r.Cabinet, err)
	}
	return rd, nil
}

// member finds the cabinet member holding File key (sequence seq): first in
// the cabinet whose Media range covers seq, then anywhere (some packages get
// LastSequence wrong).
func (s *cabSet) member(key string, seq int) (*cab.File, error) {
	for _, m := range s.media {
		if seq <= m.LastSeq {
			if f, ok := m.members[key]; ok {
				return f, nil
			}
			break
		}
	}
	for _, m := range s.media {
		if f, ok := m.members[key]; ok {
			return f, nil
		}
	}
	return nil, fmt.Errorf("file %q (sequence %d) is in no cabinet of the package", key, seq)
}

// copyJob copies one cabinet member or plain file to a destination.
type copyJob struct {
	Member *cab.File              // the source is a cabinet member,
	Src    string                 // else a plain file,
	Data   []byte                 // else these bytes (tests),
	Write  func(dst string) error // else this writes the file (the database).
	Dst    string
	Size   int64 // expected size, -1 = any
}

// open returns the job's source bytes.
func (j copyJob) open() (io.ReadCloser, error) {
	switch {
	case j.Member != nil:
		return j.Member.Open()
	case j.Data != nil:
		return io.NopCloser(bytes.NewReader(j.Data)), nil
	}
	// An uncompressed source file: a FIFO or device there must not block
	// the run (safeopen refuses it at once).
	return safeopen.Open(j.Src)
}

// modTime is the time a copied file gets: its cabinet member's date, else
// zero (the writer leaves the time of writing).
func (j copyJob) modTime() time.Time {
	if j.Member != nil {
		return j.Member.Modified
	}
	return time.Time{}
}

// folderKey groups jobs whose members share a cabinet folder, so that each
// folder is decoded once, front to back, by one worker.
func folderKey(j copyJob) any {
	if j.Member != nil && j.Member.Folder != nil {
		return j.Member.Folder
	}
	return j.Dst
}
