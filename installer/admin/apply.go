package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/patch"
)

// ApplyOptions tune ApplyPatch.
type ApplyOptions struct {
	// ShortNames places the patch's files by short (true) or long (false)
	// names, like SHORTFILENAMES=TRUE; nil follows the image's Word Count
	// (what Windows Installer does by itself).
	ShortNames *bool
	// Logger receives the detailed log, one line per file (the _Msi.log).
	Logger *zap.Logger
	// LockWait bounds the wait for another run on the same image (0:
	// lock.DefaultTimeout; lock.NoWait: fail at once). Past it: 1618.
	LockWait time.Duration
}

// ApplyResult says what ApplyPatch did.
type ApplyResult struct {
	PatchCode      string
	AlreadyApplied bool     // the image records the patch: nothing was done
	ObsoletedBy    string   // a patch applied to the image obsoletes this one: nothing was done
	FilesReplaced  int      // files of the image overwritten
	FilesAdded     int      // files new to the image
	FilesPatched   int      // of FilesReplaced, rebuilt from binary deltas
	AppliedPairs   []string // transform pairs applied ("T" of ":T;:#T")
	SkippedPairs   []string // "name: reason" for pairs that did not validate
	Message        string   // one line for the user
	// Warnings: the update is committed, but something the user should
	// know went wrong (e.g. leftovers the next run removes).
	Warnings []string
}

// testHookWrap, when set (tests only), filters every staged write.
var testHookWrap func(io.Writer) io.Writer

// ApplyPatch applies the patch at patchPath to the administrative image
// whose database is imageMsi, as `msiexec /a imageMsi /p patchPath` does:
// the patch's transforms are applied to the image database, its files are
// extracted from its cabinet to their places in the image, the database is
// made to install them from there (no cabinet references, no compression
// bits) and records the patch. Everything happens in one transaction (see
// the package documentation) under the image lock.
//
// Errors carry exit codes: 1620 not an administrative image, 1619 image
// database unreadable, 1635/1636 patch unreadable/invalid (1636 also for
// corrupt cabinet data or a damaged binary delta), 1642 patch not
// for this product (or no transform pair applies, or a binary delta's
// baseline is not the image's file: checked for every delta before
// anything changes), 1618 another run holds
// the image past LockWait, 1602 cancelled, 1603 I/O failure (after the
// image was rolled back).
func ApplyPatch(ctx context.Context, imageMsi, patchPath string, opts ApplyOptions) (ApplyResult, error) {
	log := opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	var res ApplyResult
	if _, err := os.Stat(imageMsi); err != nil {
		return res, exitcode.New(exitcode.PackageOpenFailed, "cannot open the image database: %w", err)
	}
	imageDir := filepath.Dir(imageMsi)
	err := withImageLock(ctx, imageDir, opts.LockWait, log, func() error {
		var err error
		res, err = applyLocked(ctx, imageMsi, patchPath, opts, log)
		return err
	})
	if err != nil {
		log.Error("admin: patch not applied", zap.String("image", imageMsi), zap.String("patch", patchPath), zap.Error(err),
			zap.Int("exit_code", int(exitcode.Of(err))))
		return res, err
	}
	log.Info(res.Message)
	return res, nil
}

// openPatch opens a patch, mapping errors to 1636 (invalid) or 1635.
func openPatch(p string) (*patch.Patch, error) {
	pt, err := patch.Open(p)
	if err != nil {
		return nil, exitcode.Patch.OpenError(p, err, patch.IsInvalid(err))
	}
	return pt, nil
}

func applyLocked(ctx context.Context, imageMsi, patchPath string, opts ApplyOptions, log *zap.Logger) (ApplyResult, error) {
	var res ApplyResult
	start := time.Now()
	db, err := openPackage(imageMsi)
	if err != nil {
		return res, err
	}
	dbOpen := true
	defer func() {
		if dbOpen {
			db.Close()
		}
	}()
	im, err := imageFacts(db, imageMsi)
	if err != nil {
		return res, err
	}
	if !im.IsAdmin {
		return res, exitcode.New(exitcode.PackageInvalid,
			"%s is not an administrative image (Word Count %d lacks bit 4); create one with `ohotfix admin create PRODUCT.msi -d DIR` (or `msiexec /a PRODUCT.msi TARGETDIR=DIR`) and patch that",
			imageMsi, im.WordCount)
	}
	log.Debug("admin: image database read", zap.Duration("took", time.Since(start)))
	start = time.Now()
	p, err := openPatch(patchPath)
	if err != nil {
		return res, err
	}
	defer p.Close()
	log.Debug("admin: patch opened", zap.Duration("took", time.Since(start)))
	res.PatchCode = strings.ToUpper(p.PatchCode)
	log.Info("admin: applying patch", zap.String("patch", patchPath), zap.String("patch_code", res.PatchCode),
		zap.Strings("targets", p.Targets), zap.String("image", imageMsi), zap.String("product", im.ProductCode),
		zap.String("version", im.ProductVersion))

	if !containsFold(p.Targets, im.ProductCode) {
		return res, exitcode.New(exitcode.PatchTargetNotFound, "patch %s targets %s, not the image's product %s (%s)",
			res.PatchCode, strings.Join(p.Targets, ";"), im.ProductCode, im.ProductName)
	}
	if containsFold(im.AppliedPatches, res.PatchCode) {
		res.AlreadyApplied = true
		res.Message = fmt.Sprintf("patch %s is already applied to the image %s; nothing to do", res.PatchCode, imageMsi)
		return res, nil
	}
	if by, err := obsoletedBy(db, res.PatchCode); err != nil {
		return res, err
	} else if by != "" {
		res.ObsoletedBy = by
		res.Message = fmt.Sprintf("patch %s is obsoleted by patch %s, already applied to the image %s; nothing to do", res.PatchCode, by, imageMsi)
		return res, nil
	}

	start = time.Now()
	if err := applyTransforms(db, p, &res, log); err != nil {
		return res, err
	}
	log.Debug("admin: transforms applied", zap.Duration("took", time.Since(start)))
	short := im.ShortNames
	if opts.ShortNames != nil {
		short = *opts.ShortNames
		if short != im.ShortNames {
			log.Warn("admin: the name option disagrees with the image's Word Count; placing files as asked",
				zap.Bool("short_names", short), zap.Bool("image_short_names", im.ShortNames))
		}
	}
	jobs, cabs, err := patchJobs(db, p, imageDir(imageMsi), short, &res, log)
	defer func() {
		for _, c := range cabs {
			c.Close()
		}
	}()
	if err != nil {
		return res, err
	}
	if err := updateImageDatabase(db, p, patchPath, &res); err != nil {
		return res, err
	}
	log.Debug("admin: files planned, database updated", zap.Int("files", len(jobs)), zap.Duration("took", time.Since(start)))
	dbJob := &copyJob{Dst: filepath.Base(imageMsi), Write: func(dst string) error {
		start := time.Now()
		defer func() { log.Debug("admin: database staged", zap.Duration("took", time.Since(start))) }()
		if err := db.WriteFile(dst); err != nil {
			return fmt.Errorf("writing the new image database: %w", err)
		}
		// The new database is staged: the old one is read no more, and must
		// be closed before it is moved aside (Windows cannot rename open files).
		dbOpen = false
		return db.Close()
	}}
	if err := transact(ctx, imageDir(imageMsi), jobs, dbJob, transactOptions{Patch: res.PatchCode, Log: log, Wrap: testHookWrap,
		Warn: func(w string) { res.Warnings = append(res.Warnings, w) }}); err != nil {
		return res, err
	}
	res.Message = fmt.Sprintf("patch %s applied to the image %s: %d files replaced, %d added", res.PatchCode, imageMsi, res.FilesReplaced, res.FilesAdded)
	if res.FilesPatched > 0 {
		res.Message += fmt.Sprintf(" (%d from binary deltas)", res.FilesPatched)
	}
	return res, nil
}

func imageDir(imageMsi string) string { return filepath.Dir(imageMsi) }

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// applyTransforms applies the first transform pair whose validation passes,
// as the installer does, recording skipped pairs with their reasons.
func applyTransforms(db *msi.Database, p *patch.Patch, res *ApplyResult, log *zap.Logger) error {
	// msi/patch applies the pairs exactly as the installer does; here
	// its verdicts only get their codes.
	applied, err := p.Apply(db)
	if applied != nil {
		res.AppliedPairs, res.SkippedPairs = applied.Pairs, applied.Skipped
	}
	for _, s := range res.SkippedPairs {
		log.Info("admin: transform pair skipped", zap.String("pair", s))
	}
	var na *patch.NotApplicable
	switch {
	case errors.As(err, &na):
		return exitcode.New(exitcode.PatchTargetNotFound, "no transform pair of patch %s applies to the image: %s",
			res.PatchCode, strings.Join(na.Reasons, "; "))
	case err != nil:
		return exitcode.Wrap(exitcode.PatchInvalid, err)
	}
	log.Info("admin: transform pair applied", zap.Strings("pair", res.AppliedPairs))
	return nil
}

// patchJobs decides where each delivered file goes in the image: a whole
// file is copied from the cabinet, a binary delta (a Patch row of the
// applied pairs) rebuilds the file from the image's current one, every
// baseline checked before any job runs (deltas.go). The Patch rows are
// then dropped from the image database.
// The cabinet readers it returns stay open for the jobs; close them after.
func patchJobs(db *msi.Database, p *patch.Patch, dir string, short bool, res *ApplyResult, log *zap.Logger) (jobs []copyJob, readers []*cab.Reader, err error) {
	files, err := p.Files(db)
	if err != nil {
		return nil, nil, exitcode.Wrap(exitcode.PatchInvalid, err)
	}
	var plans []*deltaPlan
	rows, err := deltaRows(db, p, res.AppliedPairs)
	if err != nil {
		return nil, nil, err
	}
	delivered := map[string]bool{}
	for _, f := range files {
		delivered[f.Key] = true
	}
	for key := range rows {
		delivered[key] = true // placed even without a member (deltasWithoutData)
	}
	lay, err := buildLayoutOf(db, short, delivered) // only what the patch touches
	if err != nil {
		return nil, nil, exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	cabs := map[string]map[string]*cab.File{}
	for _, f := range files {
		// A delta file's File row may not change at all (same size, no
		// version): its Patch row is what makes the member known.
		if _, isDelta := rows[f.Key]; !f.Known && !isDelta {
			log.Debug("admin: cabinet member without a File row ignored", zap.String("member", f.Key))
			continue
		}
		i, ok := lay.ByKey[f.Key]
		if !ok {
			log.Info("admin: delivered file has no File row in the patched image; ignored", zap.String("file", f.Key))
			continue
		}
		lf := lay.Files[i]
		if !lf.Copied {
			log.Info("admin: delivered file belongs to a Level-0 feature, which the image does not hold; ignored", zap.String("file", f.Key))
			continue
		}
		members, ok := cabs[f.Cabinet]
		if !ok {
			cr, err := p.OpenCabinet(f.Cabinet)
			if err != nil {
				return nil, readers, exitcode.Wrap(exitcode.PatchInvalid, err)
			}
			readers = append(readers, cr)
			members = map[string]*cab.File{}
			for _, m := range cr.Files {
				members[m.Name] = m
			}
			cabs[f.Cabinet] = members
		}
		m, ok := members[f.Key]
		if !ok {
			return nil, readers, exitcode.New(exitcode.PatchInvalid, "cabinet %s has no member %s", f.Cabinet, f.Key)
		}
		if row, ok := rows[f.Key]; ok {
			plans = append(plans, &deltaPlan{row: row, member: m, rel: lf.RelPath})
			continue
		}
		_, statErr := os.Lstat(filepath.Join(dir, filepath.FromSlash(lf.RelPath)))
		switch {
		case statErr == nil:
			res.FilesReplaced++
			log.Info("admin: file replaced", zap.String("file", f.Key), zap.String("path", lf.RelPath), zap.Int64("size", m.Size))
		case errors.Is(statErr, os.ErrNotExist):
			res.FilesAdded++
			log.Info("admin: file added", zap.String("file", f.Key), zap.String("path", lf.RelPath), zap.Int64("size", m.Size))
		default:
			return nil, readers, exitcode.Wrap(exitcode.Fatal, statErr)
		}
		jobs = append(jobs, copyJob{Member: m, Dst: lf.RelPath, Size: m.Size})
	}
	if err := deltasWithoutData(rows, plans, lay, res, log); err != nil {
		return nil, readers, err
	}
	if len(plans) > 0 {
		if err := readDeltas(plans); err != nil {
			return nil, readers, exitcode.New(exitcode.PatchInvalid, "patch %s: %w; the image was not changed", res.PatchCode, err)
		}
		if plans, err = checkBaselines(dir, plans, res, log); err != nil {
			return nil, readers, err
		}
		for _, pl := range plans {
			if err := fixFileSize(db, pl.row.File, pl.d.NewSize, log); err != nil {
				return nil, readers, err
			}
			if pl.upToDate {
				log.Info("admin: file already up to date, its delta is not needed", zap.String("file", pl.row.File), zap.String("path", pl.rel))
				continue
			}
			res.FilesReplaced++
			res.FilesPatched++
			log.Info("admin: file patched by a binary delta", zap.String("file", pl.row.File), zap.String("path", pl.rel),
				zap.Int64("delta", pl.member.Size), zap.Int64("size", pl.d.NewSize))
			jobs = append(jobs, deltaJob(dir, pl))
		}
	}
	if err := dropPatchRows(db, rows); err != nil {
		return nil, readers, err
	}
	return jobs, readers, nil
}

// updateImageDatabase makes the patched database describe the image: the
// files lie uncompressed in the image (no Media cabinet, no compression
// bits, so nothing refers to the patch's cabinet), the package code and
// summary follow the patch's PATCHNEW* properties as msiexec does for admin
// images, and the patch is recorded in AppliedPatchTable.
func updateImageDatabase(db *msi.Database, p *patch.Patch, patchPath string, res *ApplyResult) error {
	if err := clearCompressionBits(db); err != nil {
		return err
	}
	if err := clearMediaCabinets(db); err != nil {
		return err
	}
	props, err := properties(db)
	if err != nil {
		return err
	}
	si, err := db.Summary()
	if err != nil {
		return exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	if pc := props["PATCHNEWPACKAGECODE"]; pc != "" {
		si.SetString(msi.PIDRevisionNumber, pc)
	}
	if s := props["PATCHNEWSUMMARYSUBJECT"]; s != "" {
		si.SetString(msi.PIDSubject, s)
	}
	if s := props["PATCHNEWSUMMARYCOMMENTS"]; s != "" {
		si.SetString(msi.PIDComments, s)
	}
	si.SetTime(msi.PIDLastSaved, time.Now())
	db.SetSummary(si)
	pairs := ":" + strings.Join(res.AppliedPairs, ";:") + ";:#" + strings.Join(res.AppliedPairs, ";:#")
	if err := recordPatch(db, res.PatchCode, filepath.Base(patchPath), time.Now().UTC().Format(time.RFC3339),
		pairs, res.FilesReplaced, res.FilesAdded, p.Obsoletes); err != nil {
		return exitcode.New(exitcode.Fatal, "recording the patch in the image database: %w", err)
	}
	return nil
}
