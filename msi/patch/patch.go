package patch

import (
	"fmt"
	"io"
	"strings"

	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// Sequence is one row of MsiPatchSequence: the patch's place in a patch
// family (Attributes bit 0x1 = supersedes earlier patches of the family).
type Sequence struct {
	Family      string `json:"family"`
	ProductCode string `json:"productCode,omitempty"` // "" = any product
	Sequence    string `json:"sequence"`
	Attributes  int    `json:"attributes"`
}

// SupersedeEarlier is the MsiPatchSequence attribute bit.
const SupersedeEarlier = 0x1

// Patch is an opened .msp: its summary, its root tables and access to its
// transforms and cabinets.
type Patch struct {
	PatchCode      string   // first GUID of RevNumber
	Obsoletes      []string // GUIDs following it
	Targets        []string // product codes from Template
	MinInstaller   int      // Word Count: 1 default, 2 ≥1.2, 3 ≥2.0, 4 ≥3.0, 5 ≥3.1
	TransformNames []string // LastSavedBy without ':' ("T", "#T", …)
	SourceList     []string // Keywords
	// Metadata holds MsiPatchMetadata: Property -> Value for rows with a
	// NULL Company (the standard properties: Classification, DisplayName,
	// ...); other rows as "Company/Property".
	Metadata  map[string]string
	Sequences []Sequence
	Summary   *msi.SummaryInfo

	db *msi.Database
}

// Open opens the patch at path. Errors: I/O errors as returned by the OS
// (the caller's "could not open", 1635), *InvalidError for anything
// malformed (1636).
func Open(path string) (*Patch, error) {
	db, err := msi.Open(path)
	if err != nil {
		return nil, classify(err, "not a readable compound file")
	}
	p, err := FromDatabase(db)
	if err != nil {
		db.Close()
		return nil, err
	}
	return p, nil
}

// OpenReader reads a patch from r (size bytes); r must stay readable while
// the patch is used. Every error is an *InvalidError except read failures
// of r itself.
func OpenReader(r io.ReaderAt, size int64) (*Patch, error) {
	db, err := msi.OpenReader(r, size)
	if err != nil {
		return nil, classify(err, "not a readable compound file")
	}
	return FromDatabase(db)
}

// FromDatabase reads a patch opened as an msi.Database (root CLSID of a
// patch). The database stays in use by the Patch.
func FromDatabase(db *msi.Database) (*Patch, error) {
	if db.Container() != msi.Patch {
		return nil, invalid(nil, "root CLSID is that of a %s, not of a patch {000C1086-0000-0000-C000-000000000046}", db.Container())
	}
	si, err := db.Summary()
	if err != nil {
		return nil, classify(err, "summary information")
	}
	p := &Patch{db: db, Summary: si, Metadata: map[string]string{}}
	p.PatchCode = si.PatchCode()
	p.Obsoletes = si.ObsoletedPatches()
	p.Targets = si.PatchTargets()
	p.MinInstaller = int(si.WordCount())
	p.TransformNames = si.PatchTransforms()
	for _, s := range strings.Split(si.Keywords(), ";") {
		if s = strings.TrimSpace(s); s != "" {
			p.SourceList = append(p.SourceList, s)
		}
	}
	if p.PatchCode == "" {
		return nil, invalid(nil, "summary RevNumber holds no patch code GUID")
	}
	if len(p.Targets) == 0 {
		return nil, invalid(nil, "summary Template lists no target product code")
	}
	if len(p.TransformNames) == 0 {
		return nil, invalid(nil, "summary LastSavedBy lists no transforms")
	}
	if err := p.readTables(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Patch) readTables() error {
	if p.db.HasTable("MsiPatchMetadata") {
		t, err := p.db.Table("MsiPatchMetadata")
		if err != nil {
			return classify(err, "MsiPatchMetadata")
		}
		c, pr, v := t.ColumnIndex("Company"), t.ColumnIndex("Property"), t.ColumnIndex("Value")
		if c < 0 || pr < 0 || v < 0 {
			return invalid(nil, "MsiPatchMetadata lacks Company/Property/Value columns")
		}
		for _, r := range t.Rows() {
			key := r[pr].Str()
			if co := r[c].Str(); co != "" {
				key = co + "/" + key
			}
			p.Metadata[key] = r[v].Str()
		}
	}
	if p.db.HasTable("MsiPatchSequence") {
		t, err := p.db.Table("MsiPatchSequence")
		if err != nil {
			return classify(err, "MsiPatchSequence")
		}
		f, pc, s, a := t.ColumnIndex("PatchFamily"), t.ColumnIndex("ProductCode"), t.ColumnIndex("Sequence"), t.ColumnIndex("Attributes")
		if f < 0 || s < 0 {
			return invalid(nil, "MsiPatchSequence lacks PatchFamily/Sequence columns")
		}
		for _, r := range t.Rows() {
			sq := Sequence{Family: r[f].Str(), Sequence: r[s].Str()}
			if pc >= 0 {
				sq.ProductCode = r[pc].Str()
			}
			if a >= 0 {
				n, _ := r[a].Int()
				sq.Attributes = int(n)
			}
			p.Sequences = append(p.Sequences, sq)
		}
	}
	return nil
}

// Close releases the file.
func (p *Patch) Close() error { return p.db.Close() }

// Database is the patch's root storage as an msi.Database (root tables,
// cabinet streams, transform substorages).
func (p *Patch) Database() *msi.Database { return p.db }

// Pair is the two transforms a patch carries per target: Transform (the
// substorage "Name": target product -> upgraded product) and PatchTransform
// ("#Name": adds the patch's Media, PatchPackage, sequencing and file
// sequence changes). They are applied in that order, each validated against
// the database as the previous one left it.
type Pair struct {
	Name           string
	Transform      *transform.Transform
	PatchTransform *transform.Transform
}

// Pairs opens the transform pairs in LastSavedBy order.
func (p *Patch) Pairs() ([]Pair, error) {
	var out []Pair
	listed := map[string]bool{}
	for _, n := range p.TransformNames {
		listed[n] = true
	}
	for _, n := range p.TransformNames {
		if strings.HasPrefix(n, "#") {
			if !listed[n[1:]] {
				return nil, invalid(nil, "patch transform %q has no product transform %q", n, n[1:])
			}
			continue
		}
		if !listed["#"+n] {
			return nil, invalid(nil, "transform %q has no patch transform %q", n, "#"+n)
		}
		t, err := p.openTransform(n)
		if err != nil {
			return nil, err
		}
		pt, err := p.openTransform("#" + n)
		if err != nil {
			return nil, err
		}
		out = append(out, Pair{Name: n, Transform: t, PatchTransform: pt})
	}
	return out, nil
}

// TransformInfo is what one product transform's summary says: the base it
// validates against (Info.Check) and what it leaves behind.
type TransformInfo struct {
	Name string // substorage name, e.g. "T" (its patch transform is "#T")
	Info transform.Info
}

// TransformInfos returns the summary of each product transform, in
// LastSavedBy order, without the "#" patch transforms. It reads only the
// substorages' summaries (not their table records), so a planner can judge
// where the patch validates without the cost of Pairs. Errors are
// *InvalidError.
func (p *Patch) TransformInfos() ([]TransformInfo, error) {
	var out []TransformInfo
	for _, n := range p.TransformNames {
		if strings.HasPrefix(n, "#") {
			continue
		}
		sub, err := p.db.OpenStorage(n)
		if err != nil {
			return nil, invalid(err, "transform substorage %q", n)
		}
		if sub.Container() != msi.Transform {
			return nil, invalid(nil, "substorage %q is a %s, not a transform", n, sub.Container())
		}
		si, err := sub.Summary()
		if err != nil {
			return nil, invalid(err, "summary of transform %q", n)
		}
		out = append(out, TransformInfo{Name: n, Info: transform.InfoFromSummary(si)})
	}
	if len(out) == 0 {
		return nil, invalid(nil, "summary LastSavedBy lists no product transform")
	}
	return out, nil
}

func (p *Patch) openTransform(name string) (*transform.Transform, error) {
	sub, err := p.db.OpenStorage(name)
	if err != nil {
		return nil, invalid(err, "transform substorage %q", name)
	}
	t, err := transform.FromDatabase(sub)
	if err != nil {
		return nil, invalid(err, "transform %q", name)
	}
	return t, nil
}

// NotApplicable is returned by Apply when no transform pair of the patch
// applies to the database. Reasons lists why, per pair.
type NotApplicable struct {
	Reasons []string
}

func (e *NotApplicable) Error() string {
	return "patch does not apply: " + strings.Join(e.Reasons, "; ")
}

// Apply applies the patch to a product database in memory, the way the
// installer does: the product code must be one of Targets; then each pair's
// transforms are validated (Transform against db as it is, PatchTransform
// against db as Transform left it) and applied with their own error
// suppression flags. Pairs that do not validate are skipped; if none
// applies the result is a *NotApplicable. It returns the names of the pairs
// applied and why the others were skipped.
func (p *Patch) Apply(db *msi.Database) (*Applied, error) {
	facts, err := transform.FactsOf(db)
	if err != nil {
		return nil, err
	}
	targeted := false
	for _, t := range p.Targets {
		if strings.EqualFold(t, facts.ProductCode) {
			targeted = true
		}
	}
	if !targeted {
		return nil, &NotApplicable{Reasons: []string{fmt.Sprintf("product %s is not among the patch targets %s", facts.ProductCode, strings.Join(p.Targets, ";"))}}
	}
	pairs, err := p.Pairs()
	if err != nil {
		return nil, err
	}
	res := &Applied{}
	for _, pr := range pairs {
		if err := pr.Transform.Validate(db); err != nil {
			res.Skipped = append(res.Skipped, pr.Name+": "+err.Error())
			continue
		}
		if err := pr.Transform.Apply(db, pr.Transform.Info.Errors); err != nil {
			return res, invalid(err, "applying transform %s", pr.Name)
		}
		if err := pr.PatchTransform.Validate(db); err != nil {
			return res, invalid(err, "patch transform #%s does not apply after %s", pr.Name, pr.Name)
		}
		if err := pr.PatchTransform.Apply(db, pr.PatchTransform.Info.Errors); err != nil {
			return res, invalid(err, "applying patch transform #%s", pr.Name)
		}
		res.Pairs = append(res.Pairs, pr.Name)
		break // one pair per product, as the installer does
	}
	if len(res.Pairs) == 0 {
		return res, &NotApplicable{Reasons: res.Skipped}
	}
	return res, nil
}

// Applied is what Apply did: the transform pairs applied (one, as the
// installer applies one pair per product) and the pairs skipped, each with
// the reason its validation gave.
type Applied struct {
	Pairs   []string
	Skipped []string
}
