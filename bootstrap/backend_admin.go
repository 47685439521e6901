package bootstrap

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer/admin"
	"github.com/ohotfix/ohotfix/installer/lock"
)

// AdminBackend patches an administrative image with ohotfix's own engine
// (installer/admin), on any OS.
type AdminBackend struct {
	cfg *Config
	// ReadOnly keeps Detect from touching the image (ohotfix check): an
	// update a crashed run left half-done is reported, not recovered.
	ReadOnly bool
}

// NewAdminBackend returns the admin-image backend for cfg.AdminPath.
func NewAdminBackend(cfg *Config) *AdminBackend { return &AdminBackend{cfg: cfg} }

func (b *AdminBackend) Mode() string { return "admin" }

// Inventory reads the image's database once (admin.OpenImage) and reports
// its product, features, Word Count and the patches already applied to it.
// What is wrong with AdminPath is a fact for the TargetType check (1620),
// not an error here. A run first finishes or undoes a transaction a crashed
// run left in the image, so detection sees a whole image.
func (b *AdminBackend) Inventory(ctx context.Context, patches []PatchInfo) (*Inventory, error) {
	path := b.cfg.AdminPath
	img := &checks.AdminImage{Path: path, WordCount: -1}
	inv := &Inventory{Mode: "admin", EngineVersion: AdminEngineVersion, Image: img}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		img.OpenError = "the file does not exist"
		return inv, nil
	case err != nil:
		img.OpenError = err.Error()
		return inv, nil
	case st.IsDir():
		img.OpenError = "it is a folder; AdminPath names the image's .msi file"
		return inv, nil
	}
	img.Exists = true
	dir := filepath.Dir(path)
	if b.ReadOnly {
		if _, err := os.Stat(filepath.Join(dir, admin.StagingDirName)); err == nil {
			return nil, exitcode.New(exitcode.PackageInvalid,
				"an update interrupted earlier is pending in %s; `ohotfix run` or `ohotfix admin recover %s` finishes or undoes it first", dir, dir)
		}
	} else if err := admin.Recover(dir); err != nil {
		return nil, err
	}
	im, err := admin.OpenImage(path)
	if err != nil {
		img.OpenError = err.Error()
		return inv, nil
	}
	img.WordCount = int(im.WordCount)
	img.Product = checks.Product{Code: im.ProductCode, Name: im.ProductName, Version: im.ProductVersion}
	for name, level := range im.Features {
		img.Product.Features = append(img.Product.Features, checks.Feature{Name: name, Level: level})
	}
	if im.ProductCode == "" {
		img.OpenError = "the database has no ProductCode property"
		return inv, nil
	}
	inv.Products = []Product{{Code: im.ProductCode, Version: im.ProductVersion, Name: im.ProductName, Path: path,
		Features: im.Features, Applied: im.AppliedPatches}}
	return inv, nil
}

// Apply applies one patch to the image. The engine stages, journals and
// switches over; on failure the image is unchanged and the error carries
// its code.
func (b *AdminBackend) Apply(ctx context.Context, s Step, logs *Logs) StepResult {
	opts := admin.ApplyOptions{LockWait: lock.WaitFromSeconds(b.cfg.InstallerWaitSeconds)}
	// As msiexec does, the image's own Word Count decides short or long
	// names unless ohotfix.ini or --set says AdminUsesShortFilenames.
	if b.cfg.Explicit["AdminUsesShortFilenames"] {
		v := b.cfg.AdminUsesShortFilenames
		opts.ShortNames = &v
	}
	if logs != nil {
		opts.Logger = logs.MsiLog
	}
	res, err := admin.ApplyPatch(ctx, b.cfg.AdminPath, s.File, opts)
	if err != nil {
		return StepResult{Code: exitcode.Of(err), Message: err.Error()}
	}
	return StepResult{Code: exitcode.Success, AlreadyApplied: res.AlreadyApplied, Message: res.Message}
}
