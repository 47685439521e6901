package admin

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/internal/safeopen"
)

// BackendOptions configure the admin-image Backend; cmd/ohotfix fills them
// from ohotfix.ini and the command line.
type BackendOptions struct {
	// ImagePath is the image's .msi (ohotfix.ini AdminPath).
	ImagePath string
	// ReadOnly keeps Inventory from touching the image (ohotfix check): an
	// update a crashed run left half-done is reported, not recovered.
	ReadOnly bool
	// ShortNames forces short (true) or long (false) file names; nil lets
	// the image's own Word Count decide, as msiexec does.
	ShortNames *bool
	// LockWait is how long to wait for another run's image lock.
	LockWait time.Duration
}

// Backend patches an administrative image with ohotfix's own engine, on any
// OS. It implements installer.Backend.
type Backend struct{ opts BackendOptions }

// NewBackend returns the admin-image backend.
func NewBackend(opts BackendOptions) *Backend { return &Backend{opts: opts} }

func (b *Backend) Mode() string { return installer.ModeAdmin }

// Inventory reads the image's database once (imageFacts) and reports its
// product, features, Word Count and the patches already applied to it.
// What is wrong with the image path is a fact for the TargetType check
// (1620), not an error here. A run first finishes or undoes a transaction a
// crashed run left in the image, so detection sees a whole image.
func (b *Backend) Inventory(ctx context.Context, patches []installer.PatchInfo) (*installer.Inventory, error) {
	path := b.opts.ImagePath
	img := &checks.AdminImage{Path: path, WordCount: -1}
	inv := &installer.Inventory{Mode: installer.ModeAdmin, EngineVersion: checks.AdminEngineVersion, Image: img}
	// An update a crashed run (or a failed rollback) left behind comes
	// first: it may have moved the database aside, so the image is judged
	// only after it is whole again.
	dir := filepath.Dir(path)
	if b.opts.ReadOnly {
		if p, err := PendingUpdate(dir); err != nil {
			return nil, exitcode.New(exitcode.PackageInvalid, "cannot read the update pending in %s: %v", dir, err)
		} else if p != nil {
			return nil, exitcode.New(exitcode.PackageInvalid, "%s", p) // names the journal and what finishes it
		}
	} else if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		if err := Recover(dir); err != nil {
			return nil, err
		}
	}
	// Check never opens, so a FIFO or device named as the image cannot
	// block the run: it is a fact for the TargetType check (1620).
	_, err := safeopen.Check(path)
	var nr *safeopen.NotRegularError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		img.OpenError = "the file does not exist"
		return inv, nil
	case errors.As(err, &nr) && nr.Mode.IsDir():
		img.OpenError = "it is a folder; AdminPath names the image's .msi file"
		return inv, nil
	case err != nil:
		img.OpenError = err.Error()
		return inv, nil
	}
	img.Exists = true
	db, err := openPackage(path)
	if err != nil {
		img.OpenError = err.Error()
		return inv, nil
	}
	defer db.Close()
	im, err := imageFacts(db, path)
	if err != nil {
		img.OpenError = err.Error()
		return inv, nil
	}
	img.WordCount = int(im.WordCount)
	// The planner validates each patch's transforms against the image as
	// the engine will (Patch.Apply), so a patch that would fail with 1642
	// is skipped in the plan instead.
	imageBase, targetBase := im.Validation, im.Validation
	img.Product = checks.Product{Code: im.ProductCode, Name: im.ProductName, Version: im.ProductVersion, Baseline: &imageBase}
	t := installer.Target{Code: im.ProductCode, Version: im.ProductVersion, Name: im.ProductName, Path: path,
		Applied: im.AppliedPatches, Baseline: &targetBase}
	for _, name := range slices.Sorted(maps.Keys(im.Features)) {
		level := im.Features[name]
		img.Product.Features = append(img.Product.Features, checks.Feature{Name: name, Level: level})
		// Level-0 features are not copied into an image: not installed.
		t.Features = append(t.Features, installer.Feature{Name: name, Level: level, Installed: level != 0})
	}
	if im.ProductCode == "" {
		img.OpenError = "the database has no ProductCode property"
		return inv, nil
	}
	inv.Targets = []installer.Target{t}
	// What each patch will write, counted by the engine that writes it
	// (staged files, the new database, the journal), for the DiskSpace
	// check (EstimateApplySpace, with the database read above); nothing
	// goes to the temp folder.
	dbPath, dbSize, err := imageDatabase(path)
	if err != nil {
		return inv, nil // the estimates from the patches' sizes stand
	}
	for _, pi := range patches {
		if pi.OpenError != "" {
			continue
		}
		need, err := applySpace(db, filepath.Dir(dbPath), dbSize, pi.File)
		if err != nil {
			continue // the estimate from the patch's size stands
		}
		if inv.Space == nil {
			inv.Space = map[string]installer.Space{}
		}
		inv.Space[pi.File] = installer.Space{Target: uint64(need.Bytes)}
	}
	return inv, nil
}

// Apply applies one patch to the image. The engine stages, journals and
// switches over; on failure the image is unchanged and the error carries
// its code.
func (b *Backend) Apply(ctx context.Context, s installer.Step, log *zap.Logger) installer.Outcome {
	opts := ApplyOptions{LockWait: b.opts.LockWait, ShortNames: b.opts.ShortNames, Logger: log}
	res, err := ApplyPatch(ctx, b.opts.ImagePath, s.File, opts)
	if err != nil {
		return installer.Outcome{Code: exitcode.Of(err), Message: err.Error()}
	}
	return installer.Outcome{Code: exitcode.Success, AlreadyApplied: res.AlreadyApplied, Message: res.Message, Warnings: res.Warnings}
}
