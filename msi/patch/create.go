package patch

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// CreateOptions tune Create. Zero values get defaults.
type CreateOptions struct {
	PatchCode      string   // default: a new random GUID
	Obsoletes      []string // patch codes this patch obsoletes
	Classification string   // MsiPatchMetadata Classification (default "Update")
	DisplayName    string   // default "<ProductName> <new version> patch"
	Description    string   // default: DisplayName
	Manufacturer   string   // default: the product's Manufacturer property
	Family         string   // MsiPatchSequence PatchFamily (default "OHF" + product code digits)
	Sequence       string   // MsiPatchSequence Sequence (default: the upgraded ProductVersion)
	// TargetDir / UpgradedDir hold external cabinets and uncompressed source
	// trees (default: the folders of the .msi files).
	TargetDir, UpgradedDir string
	// PairName names the transform pair (default "TargetToUpgraded").
	PairName string
	// Level is the MSZIP level of the patch cabinet (0: the cab default).
	Level int
	// Now stamps the summary times (default time.Now()).
	Now time.Time
	// Delta delivers a changed file as a PA19 binary delta against the
	// target's file (a Patch row, applied by the PatchFiles action) when
	// the delta is smaller than the file, else whole (see create_delta.go).
	Delta bool
}

// Refused is returned when the two packages cannot make a small update or
// minor upgrade patch. Reasons lists every problem found.
type Refused struct{ Reasons []string }

func (e *Refused) Error() string {
	return "patch: cannot make a small update or minor upgrade patch: " + strings.Join(e.Reasons, "; ")
}

// Created describes a patch Create wrote.
type Created struct {
	PatchCode    string
	TargetCode   string
	FromVersion  string
	ToVersion    string
	Delivered    []string // File keys in the patch cabinet, in sequence order
	Added        []string // of those, files new in the upgraded package
	DiskID       int
	FirstSeq     int
	LastSeq      int
	Cabinet      string // stream name
	CabinetBytes int64
	CabinetData  int64 // uncompressed bytes of the cabinet's members (whole files and deltas)
	// Deltas lists the delivered files carried as binary deltas (Delta
	// option), in sequence order; DeltaBytes is the sum of their deltas.
	Deltas     []string
	DeltaBytes int64
}

// Create writes a patch at outPath (whole files; with opt.Delta, binary
// deltas where smaller) that turns the target package into the upgraded
// one (same ProductCode: a small update, or a minor upgrade when
// ProductVersion grows). Delivered files are those whose
// content differs or that are new; their data is taken from the upgraded
// package's cabinets or source tree. See the package documentation for the
// layout. Inputs that cannot make a valid patch give a *Refused.
func Create(targetPath, upgradedPath, outPath string, opt CreateOptions) (*Created, error) {
	if opt.TargetDir == "" {
		opt.TargetDir = filepath.Dir(targetPath)
	}
	if opt.UpgradedDir == "" {
		opt.UpgradedDir = filepath.Dir(upgradedPath)
	}
	target, err := msi.Open(targetPath)
	if err != nil {
		return nil, err
	}
	defer target.Close()
	// Two copies of the upgraded package: mid is the state after the
	// product transform T, final the state after the patch transform #T.
	mid, err := msi.Open(upgradedPath)
	if err != nil {
		return nil, err
	}
	defer mid.Close()
	final, err := msi.Open(upgradedPath)
	if err != nil {
		return nil, err
	}
	defer final.Close()

	c := &creator{opt: opt, target: target, mid: mid, final: final}
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := c.findChanges(); err != nil {
		return nil, err
	}
	if err := c.makeDeltas(); err != nil {
		return nil, err
	}
	if err := c.normalize(); err != nil {
		return nil, err
	}
	if err := c.patchTables(); err != nil {
		return nil, err
	}
	flags := transform.DiffOptions{Validate: transform.PatchValidate, Errors: transform.PatchErrors,
		Carry: map[string][]string{"File": {"Component_", "FileName", "FileSize", "Version"}}}
	t, err := transform.Diff(target, mid, flags)
	if err != nil {
		return nil, err
	}
	pt, err := transform.Diff(mid, final, flags)
	if err != nil {
		return nil, err
	}
	cabData, err := c.cabinet()
	if err != nil {
		return nil, err
	}
	if err := c.write(outPath, t, pt, cabData); err != nil {
		return nil, err
	}
	c.res.CabinetBytes = int64(len(cabData))
	return &c.res, nil
}

type creator struct {
	opt                 CreateOptions
	target, mid, final  *msi.Database
	tf, uf              transform.Facts
	tsrc, usrc          *source
	delivered           []string // sorted by upgraded sequence
	added               map[string]bool
	data                map[string][]byte
	deltas              map[string][]byte // PA19 deltas of delivered files
	patchCode, cabName  string
	diskID, first, last int
	res                 Created
}

// check refuses inputs that are not a small update or minor upgrade.
func (c *creator) check() error {
	var err error
	if c.tf, err = transform.FactsOf(c.target); err != nil {
		return err
	}
	if c.uf, err = transform.FactsOf(c.mid); err != nil {
		return err
	}
	var why []string
	if c.tf.ProductCode == "" {
		why = append(why, "the target has no ProductCode property")
	}
	if !strings.EqualFold(c.tf.ProductCode, c.uf.ProductCode) {
		why = append(why, fmt.Sprintf("ProductCode changes (%s -> %s): that is a major upgrade, which a patch cannot deliver here", c.tf.ProductCode, c.uf.ProductCode))
	}
	if !strings.EqualFold(c.tf.UpgradeCode, c.uf.UpgradeCode) {
		why = append(why, fmt.Sprintf("UpgradeCode changes (%s -> %s)", c.tf.UpgradeCode, c.uf.UpgradeCode))
	}
	if c.tf.Language != c.uf.Language {
		why = append(why, fmt.Sprintf("ProductLanguage changes (%s -> %s)", c.tf.Language, c.uf.Language))
	}
	tv, ok1 := parseVer(c.tf.ProductVersion)
	uv, ok2 := parseVer(c.uf.ProductVersion)
	if !ok1 || !ok2 {
		why = append(why, fmt.Sprintf("cannot compare ProductVersion %q and %q", c.tf.ProductVersion, c.uf.ProductVersion))
	} else if cmpVer(uv, tv) < 0 {
		why = append(why, fmt.Sprintf("ProductVersion goes down (%s -> %s)", c.tf.ProductVersion, c.uf.ProductVersion))
	}
	why = append(why, c.removed("Component", "Component", "components cannot be removed by a small update or minor upgrade")...)
	why = append(why, c.removed("Feature", "Feature", "features cannot be removed by a minor upgrade")...)
	why = append(why, c.removed("File", "File", "files cannot be removed by a patch of this kind (use RemoveFile in a new component)")...)
	why = append(why, c.removed("FeatureComponents", "", "a component cannot leave a feature")...)
	why = append(why, c.componentIDs()...)
	if len(why) > 0 {
		return &Refused{Reasons: why}
	}
	return nil
}

// removed lists rows of table present in the target but not the upgraded.
func (c *creator) removed(table, what, msg string) []string {
	if !c.target.HasTable(table) {
		return nil
	}
	if !c.mid.HasTable(table) {
		return []string{fmt.Sprintf("table %s is removed", table)}
	}
	tt, err1 := c.target.Table(table)
	ut, err2 := c.mid.Table(table)
	if err1 != nil || err2 != nil {
		return []string{fmt.Sprintf("table %s cannot be read", table)}
	}
	var out []string
	for _, r := range tt.Rows() {
		keys := keyValues(tt, r)
		if _, ok := ut.Lookup(keys...); !ok {
			out = append(out, fmt.Sprintf("%s %v is removed: %s", table, keys, msg))
		}
	}
	return out
}

func keyValues(t *msi.Table, r msi.Row) []any {
	var k []any
	for _, i := range t.KeyColumns() {
		k = append(k, r[i])
	}
	return k
}

// componentIDs refuses a component whose GUID or key path changes.
func (c *creator) componentIDs() []string {
	if !c.target.HasTable("Component") || !c.mid.HasTable("Component") {
		return nil
	}
	tt, _ := c.target.Table("Component")
	ut, _ := c.mid.Table("Component")
	id, kp := tt.ColumnIndex("ComponentId"), tt.ColumnIndex("KeyPath")
	if id < 0 || kp < 0 || ut.ColumnIndex("ComponentId") != id || ut.ColumnIndex("KeyPath") != kp {
		return nil
	}
	var out []string
	for _, r := range tt.Rows() {
		u, ok := ut.Lookup(r[0])
		if !ok {
			continue
		}
		if !strings.EqualFold(r[id].Str(), u[id].Str()) {
			out = append(out, fmt.Sprintf("component %s changes its ComponentId", r[0].Str()))
		}
		if r[kp].Str() != u[kp].Str() {
			out = append(out, fmt.Sprintf("component %s changes its KeyPath", r[0].Str()))
		}
	}
	return out
}

// findChanges hashes every file of both packages and keeps the data of
// those the patch must deliver.
func (c *creator) findChanges() error {
	var err error
	if c.tsrc, err = newSource(c.target, c.opt.TargetDir); err != nil {
		return err
	}
	if c.usrc, err = newSource(c.mid, c.opt.UpgradedDir); err != nil {
		return err
	}
	old := map[string]digest{}
	if err := c.tsrc.each(func(f *fileRow, r io.Reader) error {
		d, err := hashOnly(r)
		old[f.key] = d
		return err
	}); err != nil {
		return fmt.Errorf("reading the target's files: %w", err)
	}
	c.data, c.added = map[string][]byte{}, map[string]bool{}
	if err := c.usrc.each(func(f *fileRow, r io.Reader) error {
		d, b, err := hashReader(r)
		if err != nil {
			return err
		}
		o, had := old[f.key]
		if !had || o != d {
			c.data[f.key] = b
			c.added[f.key] = !had
		}
		return nil
	}); err != nil {
		return fmt.Errorf("reading the upgraded package's files: %w", err)
	}
	for k := range c.data {
		c.delivered = append(c.delivered, k)
	}
	sort.Slice(c.delivered, func(i, j int) bool {
		a, b := c.usrc.files[c.delivered[i]], c.usrc.files[c.delivered[j]]
		if a.seq != b.seq {
			return a.seq < b.seq
		}
		return a.key < b.key
	})
	if len(c.delivered) == 0 {
		return &Refused{Reasons: []string{"no file differs between the packages: nothing to deliver (a patch without files is not supported)"}}
	}
	return nil
}

// normalize makes both upgraded copies keep the target's media layout:
// the target's Media rows, and the target's sequence for every file the
// patch does not deliver (those stay on the product's own media). New
// files get their patch sequence already in the product transform (they
// have no earlier one).
func (c *creator) normalize() error {
	c.diskID, c.first = 1, 1
	for _, m := range c.tsrc.media {
		c.diskID = max(c.diskID, m.DiskID+1)
		c.first = max(c.first, m.LastSequence+1)
	}
	for _, f := range c.tsrc.files {
		c.first = max(c.first, f.seq+1)
	}
	c.last = c.first + len(c.delivered) - 1
	patchSeq := map[string]int{}
	for i, k := range c.delivered {
		patchSeq[k] = c.first + i
	}
	for _, db := range []*msi.Database{c.mid, c.final} {
		if err := copyTable(c.target, db, "Media"); err != nil {
			return err
		}
		ft, err := db.Table("File")
		if err != nil {
			return err
		}
		seqCol := ft.ColumnIndex("Sequence")
		for key, f := range c.usrc.files {
			seq := f.seq
			if old, ok := c.tsrc.files[key]; ok {
				seq = old.seq
			} else if s, ok := patchSeq[key]; ok {
				seq = s
			}
			if err := ft.Set([]any{key}, ft.Columns()[seqCol].Name, seq); err != nil {
				return err
			}
		}
	}
	return nil
}

// copyTable replaces dst's rows of table with src's.
func copyTable(src, dst *msi.Database, table string) error {
	if !src.HasTable(table) {
		return nil
	}
	st, err := src.Table(table)
	if err != nil {
		return err
	}
	dt, err := dst.Table(table)
	if err != nil {
		return err
	}
	for _, r := range append([]msi.Row(nil), dt.Rows()...) {
		dt.Delete(keyValues(dt, r)...)
	}
	for _, r := range st.Rows() {
		vals := make([]any, len(r))
		for i, v := range r {
			vals[i] = v
		}
		if err := dt.Insert(vals...); err != nil {
			return err
		}
	}
	return nil
}
