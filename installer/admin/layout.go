package admin

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/ohotfix/ohotfix/msi"
)

// File attribute bits that say where a file's source is (msidbFileAttributes*).
const (
	attrNoncompressed = 0x2000
	attrCompressed    = 0x4000
)

// imageFile is one File row placed in an image.
type imageFile struct {
	Key        string // File.File: also the member name in cabinets
	Component  string
	RelPath    string // slash-separated, relative to the image root
	Size       int64
	Sequence   int
	Attributes int32
	// Copied is false for files whose components belong only to features
	// of Level 0: msiexec /a does not copy those.
	Copied bool
}

// layout is where every file of a database goes in an image.
type layout struct {
	Dirs  map[string]string // Directory key → relative path ("" = root)
	Files []imageFile       // in File.Sequence order
	ByKey map[string]int    // File key → index in Files
}

// checkSegment rejects names that would leave their folder: an image is
// written from a package that may be hostile.
func checkSegment(what, name string) error {
	if name == "" || name == ".." || strings.ContainsAny(name, "/\\\x00") || strings.Contains(name, ":") {
		return &LayoutError{What: what, Msg: fmt.Sprintf("name %q cannot be a path segment", name)}
	}
	return nil
}

// LayoutError reports a Directory/Component/File table that cannot be laid
// out (cycles, missing parents, unsafe names).
type LayoutError struct {
	What string
	Msg  string
}

func (e *LayoutError) Error() string { return "admin layout: " + e.What + ": " + e.Msg }

// stringCol returns the string in column name of row (""/NULL alike).
func stringCol(t *msi.Table, row msi.Row, name string) string {
	i := t.ColumnIndex(name)
	if i < 0 || i >= len(row) {
		return ""
	}
	return row[i].Str()
}

// intCol returns the integer in column name of row and whether it is set.
func intCol(t *msi.Table, row msi.Row, name string) (int32, bool) {
	i := t.ColumnIndex(name)
	if i < 0 || i >= len(row) {
		return 0, false
	}
	return row[i].Int()
}

// directoryPaths resolves every Directory row to its image path using the
// source halves of DefaultDir (what an administrative installation uses).
// Root directories (no parent, or their own parent) map to the image root.
func directoryPaths(db *msi.Database, short bool) (map[string]string, error) {
	t, err := db.Table("Directory")
	if err != nil {
		return nil, fmt.Errorf("admin layout: Directory table: %w", err)
	}
	parent := map[string]string{}
	dflt := map[string]string{}
	for _, r := range t.Rows() {
		k := stringCol(t, r, "Directory")
		parent[k] = stringCol(t, r, "Directory_Parent")
		dflt[k] = stringCol(t, r, "DefaultDir")
	}
	out := make(map[string]string, len(parent))
	var resolve func(k string, depth int) (string, error)
	resolve = func(k string, depth int) (string, error) {
		if p, ok := out[k]; ok {
			return p, nil
		}
		if depth > len(parent) {
			return "", &LayoutError{What: "Directory " + k, Msg: "parent chain loops"}
		}
		par, ok := parent[k]
		if !ok {
			// A Directory_Parent that names no row (IviNetSharedComponents
			// has one): lessmsi, like a property-set root, gives it a folder
			// named by its key below the root; so do we.
			if err := checkSegment("Directory "+k, k); err != nil {
				return "", err
			}
			out[k] = k
			return k, nil
		}
		if par == "" || par == k {
			out[k] = ""
			return "", nil
		}
		base, err := resolve(par, depth+1)
		if err != nil {
			return "", err
		}
		_, src := msi.SplitDefaultDir(dflt[k])
		name := msi.PickName(src, short)
		p := base
		if name != "." {
			if err := checkSegment("Directory "+k, name); err != nil {
				return "", err
			}
			p = path.Join(base, name)
		}
		out[k] = p
		return p, nil
	}
	keys := make([]string, 0, len(parent))
	for k := range parent {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, err := resolve(k, 0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// copiedComponents lists the components an administrative installation copies:
// those of at least one feature whose Level is not 0, plus components no
// feature names (nothing excludes them).
func copiedComponents(db *msi.Database) (func(string) bool, error) {
	if !db.HasTable("FeatureComponents") || !db.HasTable("Feature") {
		return func(string) bool { return true }, nil
	}
	ft, err := db.Table("Feature")
	if err != nil {
		return nil, err
	}
	level := map[string]int32{}
	for _, r := range ft.Rows() {
		lv, _ := intCol(ft, r, "Level")
		level[stringCol(ft, r, "Feature")] = lv
	}
	fc, err := db.Table("FeatureComponents")
	if err != nil {
		return nil, err
	}
	named := map[string]bool{}
	enabled := map[string]bool{}
	for _, r := range fc.Rows() {
		c := stringCol(fc, r, "Component_")
		named[c] = true
		if level[stringCol(fc, r, "Feature_")] != 0 {
			enabled[c] = true
		}
	}
	return func(c string) bool { return enabled[c] || !named[c] }, nil
}

// buildLayout places every File row of db in an image using short or long
// names.
func buildLayout(db *msi.Database, short bool) (*layout, error) {
	return buildLayoutOf(db, short, nil)
}

// buildLayoutOf places the File rows whose keys are in only (all when nil).
func buildLayoutOf(db *msi.Database, short bool, only map[string]bool) (*layout, error) {
	dirs, err := directoryPaths(db, short)
	if err != nil {
		return nil, err
	}
	copied, err := copiedComponents(db)
	if err != nil {
		return nil, err
	}
	ct, err := db.Table("Component")
	if err != nil {
		return nil, fmt.Errorf("admin layout: Component table: %w", err)
	}
	compDir := map[string]string{}
	for _, r := range ct.Rows() {
		compDir[stringCol(ct, r, "Component")] = stringCol(ct, r, "Directory_")
	}
	l := &layout{Dirs: dirs, ByKey: map[string]int{}}
	if !db.HasTable("File") {
		return l, nil
	}
	ftab, err := db.Table("File")
	if err != nil {
		return nil, fmt.Errorf("admin layout: File table: %w", err)
	}
	ki := ftab.ColumnIndex("File")
	for _, r := range ftab.Rows() {
		if only != nil && (ki < 0 || !only[r[ki].Str()]) {
			continue
		}
		f := imageFile{Key: stringCol(ftab, r, "File"), Component: stringCol(ftab, r, "Component_")}
		dk, ok := compDir[f.Component]
		if !ok {
			return nil, &LayoutError{What: "File " + f.Key, Msg: fmt.Sprintf("component %q is not in the Component table", f.Component)}
		}
		d, ok := dirs[dk]
		if !ok {
			return nil, &LayoutError{What: "Component " + f.Component, Msg: fmt.Sprintf("directory %q is not in the Directory table", dk)}
		}
		name := msi.PickName(stringCol(ftab, r, "FileName"), short)
		if err := checkSegment("File "+f.Key, name); err != nil {
			return nil, err
		}
		f.RelPath = path.Join(d, name)
		size, _ := intCol(ftab, r, "FileSize")
		f.Size = int64(uint32(size))
		seq, _ := intCol(ftab, r, "Sequence")
		f.Sequence = int(seq)
		f.Attributes, _ = intCol(ftab, r, "Attributes")
		f.Copied = copied(f.Component)
		l.Files = append(l.Files, f)
	}
	sort.SliceStable(l.Files, func(i, j int) bool { return l.Files[i].Sequence < l.Files[j].Sequence })
	for i, f := range l.Files {
		l.ByKey[f.Key] = i
	}
	return l, nil
}
