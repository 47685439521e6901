package patch

import (
	"crypto/sha256"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ohotfix/ohotfix/internal/safeopen"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/msi"
)

// File attribute bits (File.Attributes) that decide where a file's data is.
const (
	attrNoncompressed = 0x2000
	attrCompressed    = 0x4000
	attrPatchAdded    = 0x1000
)

// fileRow is what patch creation needs of a File row.
type fileRow struct {
	key, component, name string
	size, attrs, seq     int
}

func readFiles(db *msi.Database) (map[string]*fileRow, error) {
	out := map[string]*fileRow{}
	if !db.HasTable("File") {
		return out, nil
	}
	t, err := db.Table("File")
	if err != nil {
		return nil, err
	}
	ci := func(n string) int { return t.ColumnIndex(n) }
	k, c, n, s, a, q := ci("File"), ci("Component_"), ci("FileName"), ci("FileSize"), ci("Attributes"), ci("Sequence")
	if k < 0 || c < 0 || n < 0 || s < 0 || a < 0 || q < 0 {
		return nil, fmt.Errorf("File table lacks standard columns")
	}
	for _, r := range t.Rows() {
		f := &fileRow{key: r[k].Str(), component: r[c].Str(), name: r[n].Str()}
		sz, _ := r[s].Int()
		at, _ := r[a].Int()
		sq, _ := r[q].Int()
		f.size, f.attrs, f.seq = int(sz), int(at), int(sq)
		out[f.key] = f
	}
	return out, nil
}

// source reads the files of a package: from its cabinets (embedded streams
// or cabinet files beside it) or, for uncompressed files, from the source
// tree laid out by the Directory table below dir.
type source struct {
	db         *msi.Database
	dir        string
	files      map[string]*fileRow
	media      []msi.MediaRow
	compressed bool // package default (Word Count bit 1)
	shortNames bool // Word Count bit 0
	dirs       map[string][2]string
}

func newSource(db *msi.Database, dir string) (*source, error) {
	s := &source{db: db, dir: dir}
	var err error
	if s.files, err = readFiles(db); err != nil {
		return nil, err
	}
	if s.media, err = msi.ReadMedia(db); err != nil {
		return nil, err
	}
	si, err := db.Summary()
	if err != nil {
		return nil, err
	}
	s.compressed, s.shortNames = si.Compressed(), si.ShortNames()
	return s, nil
}

func (s *source) isCompressed(f *fileRow) bool {
	if f.attrs&attrCompressed != 0 {
		return true
	}
	return s.compressed && f.attrs&attrNoncompressed == 0
}

// each calls fn with every file's data, reading each cabinet once, in
// sequence order. Files whose data cannot be found are an error.
func (s *source) each(fn func(f *fileRow, r io.Reader) error) error {
	byCab := map[string][]*fileRow{}
	var loose []*fileRow
	for _, f := range s.files {
		if !s.isCompressed(f) {
			loose = append(loose, f)
			continue
		}
		m := s.mediaFor(f.seq)
		if m == nil || m.Cabinet == "" {
			return fmt.Errorf("file %s (sequence %d) is compressed but no Media row with a cabinet covers it", f.key, f.seq)
		}
		byCab[m.Cabinet] = append(byCab[m.Cabinet], f)
	}
	cabs := make([]string, 0, len(byCab))
	for c := range byCab {
		cabs = append(cabs, c)
	}
	sort.Strings(cabs)
	for _, c := range cabs {
		if err := s.eachInCabinet(c, byCab[c], fn); err != nil {
			return err
		}
	}
	sort.Slice(loose, func(i, j int) bool { return loose[i].key < loose[j].key })
	for _, f := range loose {
		p, err := s.sourcePath(f)
		if err != nil {
			return err
		}
		fh, err := safeopen.Open(p)
		if err != nil {
			return fmt.Errorf("file %s: %w", f.key, err)
		}
		err = fn(f, fh)
		fh.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *source) mediaFor(seq int) *msi.MediaRow {
	for i := range s.media {
		if seq <= s.media[i].LastSequence {
			return &s.media[i]
		}
	}
	return nil
}

func (s *source) openCabinet(name string) (*cab.Reader, error) {
	if strings.HasPrefix(name, "#") {
		ra, size, err := s.db.OpenStream(name[1:])
		if err != nil {
			return nil, fmt.Errorf("embedded cabinet %s: %w", name, err)
		}
		return cab.NewReader(ra, size)
	}
	return cab.OpenSet(filepath.Join(s.dir, name))
}

func (s *source) eachInCabinet(name string, files []*fileRow, fn func(*fileRow, io.Reader) error) error {
	cr, err := s.openCabinet(name)
	if err != nil {
		return err
	}
	defer cr.Close()
	want := map[string]*fileRow{}
	for _, f := range files {
		want[f.key] = f
	}
	for _, m := range cr.Files {
		f, ok := want[m.Name]
		if !ok {
			continue
		}
		rc, err := m.Open()
		if err != nil {
			return fmt.Errorf("cabinet %s member %s: %w", name, m.Name, err)
		}
		err = fn(f, rc)
		rc.Close()
		if err != nil {
			return err
		}
		delete(want, m.Name)
	}
	for k := range want {
		return fmt.Errorf("cabinet %s has no member %s", name, k)
	}
	return nil
}

// sourcePath lays out an uncompressed file's path in the source tree: the
// source half of each DefaultDir ("target:source") from the component's
// directory up to the root, which stands for the package's folder.
func (s *source) sourcePath(f *fileRow) (string, error) {
	if s.dirs == nil {
		s.dirs = map[string][2]string{}
		if s.db.HasTable("Directory") {
			t, err := s.db.Table("Directory")
			if err != nil {
				return "", err
			}
			k, p, d := t.ColumnIndex("Directory"), t.ColumnIndex("Directory_Parent"), t.ColumnIndex("DefaultDir")
			if k < 0 || p < 0 || d < 0 {
				return "", fmt.Errorf("the Directory table lacks standard columns")
			}
			for _, r := range t.Rows() {
				s.dirs[r[k].Str()] = [2]string{r[p].Str(), r[d].Str()}
			}
		}
	}
	ct, err := s.db.Table("Component")
	if err != nil {
		return "", err
	}
	row, ok := ct.Lookup(f.component)
	if !ok {
		return "", fmt.Errorf("file %s: component %s not found", f.key, f.component)
	}
	dir := row[ct.ColumnIndex("Directory_")].Str()
	var parts []string
	for depth := 0; dir != ""; depth++ {
		d, ok := s.dirs[dir]
		if !ok || depth > 256 {
			return "", fmt.Errorf("file %s: directory %s not found (or cyclic)", f.key, dir)
		}
		parent, def := d[0], d[1]
		if parent == "" || parent == dir {
			break // the root: the package's own folder
		}
		_, src := msi.SplitDefaultDir(def)
		if n := msi.PickName(src, s.shortNames); n != "." && n != "" {
			parts = append([]string{cab.SafePath(n)}, parts...)
		}
		dir = parent
	}
	parts = append([]string{s.dir}, parts...)
	parts = append(parts, cab.SafePath(msi.PickName(f.name, s.shortNames)))
	return filepath.Join(parts...), nil
}

// digest is a file's size and SHA-256.
type digest struct {
	size int64
	sum  [32]byte
}

// hashOnly digests r without keeping its data.
func hashOnly(r io.Reader) (digest, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return digest{}, err
	}
	d := digest{size: n}
	copy(d.sum[:], h.Sum(nil))
	return d, nil
}

// hashReader digests r and returns its data too.
func hashReader(r io.Reader) (digest, []byte, error) {
	h := sha256.New()
	b, err := io.ReadAll(io.TeeReader(r, h))
	if err != nil {
		return digest{}, nil, err
	}
	var d digest
	d.size = int64(len(b))
	copy(d.sum[:], h.Sum(nil))
	return d, b, nil
}
