package msi

import (
	"fmt"
	"sort"
	"strings"
)

// SplitDefaultDir splits a Directory table DefaultDir value into its target
// and source halves ("target:source"); without a colon both halves are the
// whole value. Each half may itself be "short|long" (see PickName).
func SplitDefaultDir(defaultDir string) (target, source string) {
	if t, s, ok := strings.Cut(defaultDir, ":"); ok {
		return t, s
	}
	return defaultDir, defaultDir
}

// PickName chooses the short or the long half of a "SHORT~1.TXT|long
// name.txt" value (File.FileName, DefaultDir halves); a name without a bar is
// both.
func PickName(name string, short bool) string {
	if s, l, ok := strings.Cut(name, "|"); ok {
		if short {
			return s
		}
		return l
	}
	return name
}

// MediaRow is a Media row: a disk, the last File sequence it holds, and its
// cabinet ("#stream" embedded in the package, a file name beside it, or "").
type MediaRow struct {
	DiskID, LastSequence int
	Cabinet              string
}

// ReadMedia returns db's Media rows ordered by LastSequence (rows with equal
// LastSequence keep table order); nil when db has no Media table.
func ReadMedia(db *Database) ([]MediaRow, error) {
	if !db.HasTable("Media") {
		return nil, nil
	}
	t, err := db.Table("Media")
	if err != nil {
		return nil, err
	}
	d, l, c := t.ColumnIndex("DiskId"), t.ColumnIndex("LastSequence"), t.ColumnIndex("Cabinet")
	if d < 0 || l < 0 || c < 0 {
		return nil, fmt.Errorf("the Media table lacks standard columns")
	}
	var out []MediaRow
	for _, r := range t.Rows() {
		dn, _ := r[d].Int()
		ln, _ := r[l].Int()
		out = append(out, MediaRow{DiskID: int(dn), LastSequence: int(ln), Cabinet: r[c].Str()})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].LastSequence < out[j].LastSequence })
	return out, nil
}
