package watson

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ohotfix/ohotfix/cab"
)

// ErrInvalid is the class of every "this is not a report" error: not a
// cabinet, a corrupt one, an unsafe or unexpected member, a bad manifest.
var ErrInvalid = errors.New("watson: not a valid report")

// Bounds a report must stay within to be read (a collector reads
// cabinets from anyone who can reach it).
const (
	maxMembers       = 16
	maxUnpackedTotal = 8 << 20
)

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Parse checks that data is a report — one whole cabinet (not part of a
// set) whose members have plain names ([A-Za-z0-9][A-Za-z0-9._-]*, no
// folders, no "..", no repeats), all of which decompress with valid
// checksums within the size bounds, with a valid manifest.txt — and
// returns it with its manifest and members' contents.
func Parse(data []byte) (*Report, *Manifest, map[string][]byte, error) {
	zr, err := cab.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, nil, nil, invalid("%v", err)
	}
	defer zr.Close()
	if len(zr.Cabinets) != 1 || zr.Header.HasPrev() || zr.Header.HasNext() {
		return nil, nil, nil, invalid("a report is one cabinet, not part of a set")
	}
	if int64(zr.Header.Size) != int64(len(data)) {
		return nil, nil, nil, invalid("the cabinet is %d bytes but the body has %d", zr.Header.Size, len(data))
	}
	if len(zr.Files) == 0 || len(zr.Files) > maxMembers {
		return nil, nil, nil, invalid("%d members (1 to %d allowed)", len(zr.Files), maxMembers)
	}
	contents := map[string][]byte{}
	var names []string
	var total int64
	for _, f := range zr.Files {
		if !validMemberName(f.Name) {
			return nil, nil, nil, invalid("member name %q is not a plain file name", f.Name)
		}
		if _, dup := contents[f.Name]; dup {
			return nil, nil, nil, invalid("member %q appears twice", f.Name)
		}
		if f.Folder == nil || f.Size < 0 || total+f.Size > maxUnpackedTotal {
			return nil, nil, nil, invalid("members larger than %d bytes in all", maxUnpackedTotal)
		}
		total += f.Size
		rc, err := f.Open()
		if err != nil {
			return nil, nil, nil, invalid("%s: %v", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, f.Size+1))
		rc.Close()
		if err != nil {
			return nil, nil, nil, invalid("%s: %v", f.Name, err)
		}
		if int64(len(b)) != f.Size {
			return nil, nil, nil, invalid("%s: %d bytes where the header says %d", f.Name, len(b), f.Size)
		}
		contents[f.Name] = b
		names = append(names, f.Name)
	}
	mdata, ok := contents[ManifestName]
	if !ok {
		return nil, nil, nil, invalid("no %s", ManifestName)
	}
	m, err := ParseManifest(mdata)
	if err != nil {
		return nil, nil, nil, invalid("%v", err)
	}
	rep := &Report{ID: idOf(data), Bucket: m.Bucket(), EventType: m.Get("EventType"), Params: m.Params(),
		Members: names, Cabinet: data}
	if t, err := time.Parse(time.RFC3339, m.Get("Created")); err == nil {
		rep.Created = t.UTC()
	}
	return rep, m, contents, nil
}

// validMemberName accepts the flat names reports use and nothing that
// could name a folder, a parent, a device stream or a hidden file.
func validMemberName(s string) bool {
	if s == "" || len(s) > 64 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for _, r := range s {
		if !validTokenRune(r) {
			return false
		}
	}
	return true
}
