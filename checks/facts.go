package checks

import (
	"strings"

	"github.com/ohotfix/ohotfix/msi/transform"
)

// Mode is the kind of update run (ohotfix.ini IsNormalUpdate).
type Mode string

const (
	Client Mode = "client" // IsNormalUpdate=1: patch installed products
	Admin  Mode = "admin"  // IsNormalUpdate=0: patch an administrative image
)

// Facts is the inventory the pipeline gathers before judging. Every field is
// plain data; a zero field means "not measured" and the checks that need it
// report Skipped (or Failed where the fact is mandatory).
type Facts struct {
	Mode   Mode   `json:"mode"`
	Engine Engine `json:"engine"`
	// Products are the installed products (client mode). The pipeline may
	// list every installed product; a product counts as targeted only when a
	// patch's Targets names its code. Unused in admin mode.
	Products []Product `json:"products,omitempty"`
	// Image is the administrative image named by AdminPath (admin mode).
	Image *AdminImage `json:"image,omitempty"`
	// Patches are the .msp files in the update folder.
	Patches []Patch `json:"patches,omitempty"`
	// Volumes are the measured temp and target folders (see MeasureVolume).
	Volumes []Volume `json:"volumes,omitempty"`
	// Reboot is the pending-reboot probe's result; nil = not probed.
	Reboot *RebootState `json:"reboot,omitempty"`
}

// Engine is the installer engine that will apply the patches.
type Engine struct {
	Name    string `json:"name"`    // e.g. "Windows Installer" or "ohotfix admin engine"
	Version string `json:"version"` // dotted, e.g. "3.1.4000.2435"; "" = unknown
}

// Product is one installed product (client) or the admin image's product.
type Product struct {
	Code     string    `json:"code"` // ProductCode GUID, e.g. {90110409-6000-11D3-8CFE-0150048383C9}
	Name     string    `json:"name,omitempty"`
	Version  string    `json:"version"` // ProductVersion
	Features []Feature `json:"features,omitempty"`
	// Baseline is what a patch's transforms are validated against: the
	// image's database, or the installed product as Windows Installer sees
	// it (its cached package with the applied patches: the installed
	// product code and version). nil = unknown; PatchesNeeded then does not
	// validate and the engine decides when applying.
	Baseline *transform.Facts `json:"baseline,omitempty"`
}

// Feature is one feature of a product. For an installed product Installed is
// its install state (local, source or advertised counts as installed, absent
// does not); for an admin image Level is the Feature table's Level column.
type Feature struct {
	Name      string `json:"name"`
	Level     int    `json:"level,omitempty"`
	Installed bool   `json:"installed,omitempty"`
}

// AdminImage is what the pipeline found when it opened AdminPath.
type AdminImage struct {
	Path   string `json:"path"`
	Exists bool   `json:"exists"`
	// OpenError is the error text when the file exists but could not be
	// opened as an installer database; "" when it opened.
	OpenError string `json:"open_error,omitempty"`
	// WordCount is the database's summary Word Count (PID 15); bit 2 (value
	// 4) marks an administrative image. -1 = property missing.
	WordCount int `json:"word_count"`
	// Product carries the image's ProductCode, ProductName, ProductVersion
	// (Property table) and its Feature table rows (Name and Level).
	Product Product `json:"product"`
}

// Patch is one .msp and the summary metadata that decides where it applies.
type Patch struct {
	Name string `json:"name"` // file name, e.g. winword-Binary-GLB.msp
	Code string `json:"code"` // patch code: the first GUID of Revision Number
	// Targets are the product codes from the summary Template property
	// (SplitTemplate splits the raw value).
	Targets []string `json:"targets"`
	// WordCount is the patch's summary Word Count: the minimum installer
	// (1 = any, 2 = 1.2, 3 = 2.0, 4 = 3.0, 5 = 3.1); 0 = property missing.
	WordCount int `json:"word_count"`
	// Transforms are the patch's product transforms in the order the
	// installer tries them (nil = not read: no validation).
	Transforms []TransformInfo `json:"-"`
	// DroppedOn says, per product code (upper case), why the set itself
	// leaves this patch out there: obsoleted or superseded by another patch
	// of the folder that applies to that product (see Drop). A dropped patch
	// is not needed there and changes nothing for the patches after it.
	DroppedOn map[string]string `json:"dropped_on,omitempty"`
	// AppliedTo lists product codes on which this patch code is already
	// registered (client) or already applied to the image (admin).
	AppliedTo []string `json:"applied_to,omitempty"`
	// CabinetBytes is the total size of the cabinet streams the patch
	// carries; ExpandedBytes the total uncompressed size of their files
	// (0 = unknown, estimated from CabinetBytes).
	CabinetBytes  uint64 `json:"cabinet_bytes"`
	ExpandedBytes uint64 `json:"expanded_bytes,omitempty"`
	// Counted: the engine counted what applying the patch writes (staged
	// files, new database, journal); TempBytes and TargetBytes then replace
	// the estimate from the cabinet sizes.
	Counted     bool   `json:"counted,omitempty"`
	TempBytes   uint64 `json:"temp_bytes,omitempty"`
	TargetBytes uint64 `json:"target_bytes,omitempty"`
}

// Volume roles.
const (
	RoleTemp   = "temp"   // where cabinets are extracted and files expanded
	RoleTarget = "target" // the product's install folder or the admin image
)

// Volume is the measured free space of one folder the run writes to.
type Volume struct {
	Role string `json:"role"` // RoleTemp or RoleTarget
	Path string `json:"path"`
	Free uint64 `json:"free"`
	// ID identifies the file system; two volumes with the same non-empty ID
	// share their free space. "" = unknown (treated as distinct).
	ID  string `json:"id,omitempty"`
	Err string `json:"error,omitempty"` // measurement failed
}

// RebootState is the result of ProbePendingReboot.
type RebootState struct {
	Pending bool     `json:"pending"`
	Reasons []string `json:"reasons,omitempty"` // which markers were found
	Err     string   `json:"error,omitempty"`   // the probe failed
}

// SplitTemplate splits a patch's Template summary property (product codes
// separated by semicolons) into trimmed, non-empty codes.
func SplitTemplate(template string) []string {
	var out []string
	for _, s := range strings.Split(template, ";") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// sameCode compares GUIDs the way Windows Installer does: case-insensitively.
func sameCode(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

func normCode(c string) string { return strings.ToUpper(strings.TrimSpace(c)) }

func containsCode(list []string, code string) bool {
	for _, c := range list {
		if sameCode(c, code) {
			return true
		}
	}
	return false
}

// label names a product for a reason text.
func (p Product) label() string {
	if p.Name != "" {
		return p.Name + " " + p.Code
	}
	return p.Code
}

// adminImageBit is Word Count bit 2: "administrative image created by an
// administrative installation".
const adminImageBit = 4

// usable reports whether the image opened and is an administrative image.
func (im *AdminImage) usable() bool {
	return im != nil && im.Exists && im.OpenError == "" && im.WordCount >= 0 && im.WordCount&adminImageBit != 0
}

// targets are the products the run may change: in admin mode the image's
// product (when the image is usable), in client mode the installed products
// that at least one patch targets.
func (f *Facts) targets() []Product {
	if f.Mode == Admin {
		if f.Image.usable() {
			return []Product{f.Image.Product}
		}
		return nil
	}
	targeted := map[string]bool{}
	for _, pt := range f.Patches {
		for _, c := range pt.Targets {
			targeted[normCode(c)] = true
		}
	}
	var out []Product
	for _, p := range f.Products {
		if targeted[normCode(p.Code)] {
			out = append(out, p)
		}
	}
	return out
}

// featurePresent applies the FeatureToCheck rule to one product: in an admin
// image the feature must be in the Feature table with a non-zero Level
// (level-0 features are not copied into the image); on a client it must be
// installed.
func (f *Facts) featurePresent(p Product, name string) bool {
	for _, ft := range p.Features {
		if ft.Name != name { // feature names are case-sensitive identifiers
			continue
		}
		if f.Mode == Admin {
			return ft.Level != 0
		}
		return ft.Installed
	}
	return false
}

// Drop records that the set drops p on product code, and why; the first
// reason recorded stays.
func (p *Patch) Drop(code, why string) {
	if p.DroppedOn == nil {
		p.DroppedOn = map[string]string{}
	}
	if _, ok := p.DroppedOn[normCode(code)]; !ok {
		p.DroppedOn[normCode(code)] = why
	}
}
