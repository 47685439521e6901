package bootstrap

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/msi"
)

// AdminBackend patches an administrative image with ohotfix's own engine
// (installer/admin), on any OS.
type AdminBackend struct {
	cfg *Config
	// apply is the engine's entry point (installer/admin.ApplyPatch through
	// adminApply); tests may replace it.
	apply func(ctx context.Context, image, patch string, shortNames *bool, logs *Logs, cfg *Config) StepResult
	// applied lists the patch codes recorded in the image.
	applied func(image string, readOnly bool) ([]string, error)
	// ReadOnly keeps Detect from touching the image (ohotfix check): an
	// update a crashed run left half-done is reported, not recovered.
	ReadOnly bool
}

// NewAdminBackend returns the admin-image backend for cfg.AdminPath.
func NewAdminBackend(cfg *Config) *AdminBackend {
	return &AdminBackend{cfg: cfg, apply: adminApply, applied: adminApplied}
}

func (b *AdminBackend) Mode() string { return "admin" }

// Inventory opens the image's database (read only) and reports its product,
// features, Word Count and the patches already applied to it.
func (b *AdminBackend) Inventory(ctx context.Context, patches []PatchInfo) (*Inventory, error) {
	path := b.cfg.AdminPath
	inv := &Inventory{Mode: "admin", EngineVersion: AdminEngineVersion}
	img := &checks.AdminImage{Path: path, WordCount: -1}
	inv.Image = img
	st, err := os.Stat(path)
	if err != nil || st.IsDir() {
		if errors.Is(err, fs.ErrNotExist) {
			img.OpenError = "the file does not exist"
		} else if err != nil {
			img.OpenError = err.Error()
		} else {
			img.OpenError = "it is a folder; AdminPath names the image's .msi file"
		}
		return inv, nil
	}
	img.Exists = true
	db, err := msi.Open(path)
	if err != nil {
		img.OpenError = err.Error()
		return inv, nil
	}
	defer db.Close()
	si, err := db.Summary()
	if err != nil {
		img.OpenError = "unreadable summary information: " + err.Error()
		return inv, nil
	}
	if wc, ok := si.Int(msi.PIDWordCount); ok {
		img.WordCount = int(wc)
	}
	pr := Product{Path: path, Features: map[string]int{}}
	if err := readImageProduct(db, &pr); err != nil {
		img.OpenError = err.Error()
		return inv, nil
	}
	img.Product = checks.Product{Code: pr.Code, Name: pr.Name, Version: pr.Version}
	for name, level := range pr.Features {
		img.Product.Features = append(img.Product.Features, checks.Feature{Name: name, Level: level})
	}
	if pr.Code == "" {
		img.OpenError = "the database has no ProductCode property"
		return inv, nil
	}
	if img.WordCount&4 != 0 && b.applied != nil {
		codes, err := b.applied(path, b.ReadOnly)
		if err != nil {
			return nil, err
		}
		pr.Applied = codes
	}
	inv.Products = []Product{pr}
	return inv, nil
}

// Apply applies one patch to the image, transactionally (the engine stages,
// journals and switches over; a failure leaves the image unchanged).
func (b *AdminBackend) Apply(ctx context.Context, s Step, logs *Logs) StepResult {
	// As msiexec does, the image's own Word Count decides short or long
	// names unless ohotfix.ini says AdminUsesShortFilenames explicitly.
	var short *bool
	if b.cfg.Explicit["AdminUsesShortFilenames"] {
		v := b.cfg.AdminUsesShortFilenames
		short = &v
	}
	return b.apply(ctx, b.cfg.AdminPath, s.File, short, logs, b.cfg)
}

// readImageProduct reads ProductCode/Version/Name and the Feature levels,
// refusing databases whose tables lack the standard columns.
func readImageProduct(db *msi.Database, pr *Product) error {
	t, err := db.Table("Property")
	if err != nil {
		return fmt.Errorf("no readable Property table: %v", err)
	}
	ki, vi := t.ColumnIndex("Property"), t.ColumnIndex("Value")
	if ki < 0 || vi < 0 {
		return fmt.Errorf("the Property table lacks its Property/Value columns")
	}
	for _, r := range t.Rows() {
		switch r[ki].Str() {
		case "ProductCode":
			pr.Code = r[vi].Str()
		case "ProductVersion":
			pr.Version = r[vi].Str()
		case "ProductName":
			pr.Name = r[vi].Str()
		}
	}
	if !db.HasTable("Feature") {
		return nil
	}
	t, err = db.Table("Feature")
	if err != nil {
		return fmt.Errorf("unreadable Feature table: %v", err)
	}
	ni, li := t.ColumnIndex("Feature"), t.ColumnIndex("Level")
	if ni < 0 || li < 0 {
		return fmt.Errorf("the Feature table lacks its Feature/Level columns")
	}
	for _, r := range t.Rows() {
		lv, _ := r[li].Int()
		pr.Features[r[ni].Str()] = int(lv)
	}
	return nil
}
