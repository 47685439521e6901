package admin

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi"
)

// CreateOptions tune Create.
type CreateOptions struct {
	// ShortNames lays the image out with the short halves of `short|long`
	// names (msiexec /a ... SHORTFILENAMES=TRUE) and sets Word Count bit 1.
	ShortNames bool
	// Logger receives one line per file (nil: no log).
	Logger *zap.Logger
	// LockWait bounds the wait for the image lock (0: lock.DefaultTimeout,
	// lock.NoWait: fail at once with 1618).
	LockWait time.Duration
}

// CreateResult says what Create wrote.
type CreateResult struct {
	Database string // the image's database: DIR/<package file name>
	Files    int    // files copied
	Bytes    int64  // their total size
	Skipped  int    // files of Level-0-only features, not copied
}

// Create makes an administrative image of the package at pkgPath in dir, as
// `msiexec /a pkgPath TARGETDIR=dir` does: every file of the package (from its
// embedded or external cabinets, or from its own uncompressed layout) is
// written under dir along the source halves of the Directory table, and the
// database is written to dir with Word Count "administrative image", Media
// rows without cabinets, File rows without compression bits and no cabinet
// streams. Files are written through temporary names; the database last, so
// a folder holding the database is a complete image. The database is
// converted in memory before any file is copied; a run that fails after
// copying removes the files and folders it created (only those). Folders of
// dir that are symbolic links are refused (1603); corrupt cabinet data is
// an invalid package (1620).
func Create(ctx context.Context, pkgPath, dir string, opts CreateOptions) (CreateResult, error) {
	if opts.Logger == nil {
		opts.Logger = zap.NewNop()
	}
	log := opts.Logger
	var res CreateResult
	db, err := openPackage(pkgPath)
	if err != nil {
		return res, err
	}
	defer db.Close()
	si, err := db.Summary()
	if err != nil {
		return res, exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	out, err := buildLayout(db, opts.ShortNames)
	if err != nil {
		return res, exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	pkgDir := filepath.Dir(pkgPath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return res, exitcode.New(exitcode.Fatal, "creating the image folder: %w", err)
	}
	res.Database = filepath.Join(dir, filepath.Base(pkgPath))
	if sameFile(res.Database, pkgPath) {
		return res, exitcode.New(exitcode.InvalidCommandLine, "the image folder %s is the package's own folder", dir)
	}
	err = withImageLock(ctx, dir, opts.LockWait, log, func() error {
		var err error
		res, err = createLocked(ctx, db, si, out, pkgDir, dir, opts, res)
		return err
	})
	return res, err
}

func createLocked(ctx context.Context, db *msi.Database, si *msi.SummaryInfo, out *layout, pkgDir, dir string, opts CreateOptions, res CreateResult) (_ CreateResult, err error) {
	log := opts.Logger // set by Create
	jobs, skipped, err := createJobs(db, si, out, pkgDir, dir, opts.ShortNames)
	if err != nil {
		return res, err
	}
	defer jobs.cabs.Close()
	res.Skipped = skipped
	guard := newDirGuard(dir)
	for _, j := range jobs.list {
		if err := guard.checkAbs(j.Dst); err != nil {
			return res, err
		}
	}
	// The database is made an image database in memory before any file is
	// copied, so a package whose tables cannot be converted leaves no
	// partial image behind. The cabinets were opened already: dropping
	// their streams from the database does not close them.
	if err := makeAdminDatabase(db, jobs.cabs, opts.ShortNames); err != nil {
		return res, err
	}
	var made createdPaths
	defer func() {
		if err != nil {
			made.remove(log)
		}
	}()
	for _, d := range jobs.dirs {
		if err = made.mkdirAll(dir, d); err != nil {
			return res, exitcode.New(exitcode.Fatal, "creating %s: %w", d, err)
		}
	}
	for _, j := range jobs.list {
		made.noteFile(j.Dst)
	}
	var files, bytes atomic.Int64
	err = runJobs(jobs.list, func(j copyJob) error {
		if err := ctx.Err(); err != nil {
			return exitcode.Wrap(exitcode.UserCancelled, err)
		}
		r, err := j.open()
		if err != nil {
			return exitcode.New(exitcode.PackageInvalid, "reading %s: %w", j.Dst, err)
		}
		defer r.Close()
		if err := writeAtomic(j.Dst, r, j.Size, j.modTime()); err != nil {
			if errors.Is(err, cab.ErrFormat) {
				// Corrupt cabinet data is a bad package, not a failed write.
				return exitcode.New(exitcode.PackageInvalid, "the package's cabinet is corrupt: %w", err)
			}
			return exitcode.Wrap(exitcode.Fatal, err)
		}
		files.Add(1)
		bytes.Add(j.Size)
		log.Debug("admin: file copied", zap.String("path", j.Dst), zap.Int64("size", j.Size))
		return nil
	})
	if err != nil {
		return res, err
	}
	res.Files, res.Bytes = int(files.Load()), bytes.Load()

	made.noteFile(res.Database)
	if err = db.WriteFile(res.Database); err != nil {
		return res, exitcode.New(exitcode.Fatal, "writing the image database: %w", err)
	}
	log.Info("admin: image created", zap.String("database", res.Database), zap.Int("files", res.Files),
		zap.Int64("bytes", res.Bytes), zap.Int("skipped_level0", res.Skipped), zap.Bool("short_names", opts.ShortNames))
	return res, nil
}

// openPackage opens a database, telling "cannot open" (1619) from "not a
// valid package" (1620).
func openPackage(p string) (*msi.Database, error) {
	db, err := msi.Open(p)
	if err == nil {
		return db, nil
	}
	// Only a failure of the file system is "cannot open"; anything the
	// reader refused is an invalid package.
	var pe *os.PathError
	return nil, exitcode.Package.OpenError(p, err, !errors.As(err, &pe) || msi.IsInvalid(err))
}

// sameFile reports whether a and b name the same file or folder.
func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// createPlan is what Create copies.
type createPlan struct {
	list []copyJob
	dirs []string
	cabs *cabSet
}

// createJobs decides the source of every copied file: its cabinet member, or
// for an uncompressed source its file under the package folder.
func createJobs(db *msi.Database, si *msi.SummaryInfo, out *layout, pkgDir, dir string, short bool) (*createPlan, int, error) {
	cabs, err := openCabinets(db, pkgDir)
	if err != nil {
		return nil, 0, exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	fail := func(err error) (*createPlan, int, error) {
		cabs.Close()
		return nil, 0, exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	p := &createPlan{cabs: cabs}
	// The package's own layout, for uncompressed files: the image's when
	// both use the same names, else built on first need.
	var src *layout
	if short == si.ShortNames() {
		src = out
	}
	seen := map[string]bool{}
	skipped := 0
	for _, f := range out.Files {
		if !f.Copied {
			skipped++
			continue
		}
		j := copyJob{Dst: filepath.Join(dir, filepath.FromSlash(f.RelPath)), Size: f.Size}
		if isCompressed(si, f.Attributes) {
			m, err := cabs.member(f.Key, f.Sequence)
			if err != nil {
				return fail(err)
			}
			j.Member, j.Size = m, m.Size
		} else {
			if src == nil {
				if src, err = buildLayout(db, si.ShortNames()); err != nil {
					return fail(err)
				}
			}
			j.Src = filepath.Join(pkgDir, filepath.FromSlash(src.Files[src.ByKey[f.Key]].RelPath))
		}
		if seen[strings.ToLower(j.Dst)] {
			// Two File rows with one name in one folder: the installer keeps
			// one of them; so do we (the first by sequence).
			continue
		}
		seen[strings.ToLower(j.Dst)] = true
		p.list = append(p.list, j)
		p.dirs = append(p.dirs, filepath.Dir(j.Dst))
	}
	return p, skipped, nil
}

// isCompressed tells whether a file's source is in a cabinet: the package's
// Word Count default, overridden per file by the File.Attributes bits.
func isCompressed(si *msi.SummaryInfo, attrs int32) bool {
	switch {
	case attrs&attrCompressed != 0:
		return true
	case attrs&attrNoncompressed != 0:
		return false
	}
	return si.Compressed()
}

// makeAdminDatabase turns a package database into an image database: no
// compression bits, no cabinets (the files now lie uncompressed in the
// image), Word Count = administrative image (+ short names).
func makeAdminDatabase(db *msi.Database, cabs *cabSet, short bool) error {
	if err := clearCompressionBits(db); err != nil {
		return err
	}
	if err := clearMediaCabinets(db); err != nil {
		return err
	}
	for _, m := range cabs.media {
		if m.Embedded {
			db.DeleteStream(strings.TrimPrefix(m.Name, "#"))
		}
	}
	si, err := db.Summary()
	if err != nil {
		return exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	wc := si.WordCount()&^(msi.WordCountShortNames|msi.WordCountCompressed) | msi.WordCountAdminImage
	if short {
		wc |= msi.WordCountShortNames
	}
	si.SetInt(msi.PIDWordCount, wc)
	db.SetSummary(si)
	return nil
}

// clearCompressionBits removes msidbFileAttributesCompressed and
// Noncompressed from every File row: an image holds its files uncompressed.
func clearCompressionBits(db *msi.Database) error {
	if !db.HasTable("File") {
		return nil
	}
	t, err := db.Table("File")
	if err != nil {
		return exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	ai, ki := t.ColumnIndex("Attributes"), t.ColumnIndex("File")
	if ai < 0 || ki < 0 {
		return exitcode.New(exitcode.PackageInvalid, "File table has no Attributes column")
	}
	type change struct {
		key string
		val int32
	}
	var todo []change
	for _, r := range t.Rows() {
		a, ok := r[ai].Int()
		if !ok || a&(attrCompressed|attrNoncompressed) == 0 {
			continue
		}
		todo = append(todo, change{r[ki].Str(), a &^ (attrCompressed | attrNoncompressed)})
	}
	for _, c := range todo {
		if err := t.Set([]any{c.key}, "Attributes", int(c.val)); err != nil {
			return exitcode.Wrap(exitcode.PackageInvalid, err)
		}
	}
	return nil
}

// clearMediaCabinets empties Media.Cabinet on every row: an administrative
// image is an uncompressed source.
func clearMediaCabinets(db *msi.Database) error {
	if !db.HasTable("Media") {
		return nil
	}
	t, err := db.Table("Media")
	if err != nil {
		return exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	ci, ki := t.ColumnIndex("Cabinet"), t.ColumnIndex("DiskId")
	if ci < 0 || ki < 0 {
		return exitcode.New(exitcode.PackageInvalid, "Media table has no Cabinet column")
	}
	var ids []int32
	for _, r := range t.Rows() {
		if !r[ci].IsNull() {
			id, _ := r[ki].Int()
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		if err := t.Set([]any{int(id)}, "Cabinet", nil); err != nil {
			return exitcode.Wrap(exitcode.PackageInvalid, err)
		}
	}
	return nil
}
