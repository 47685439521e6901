package admin

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer/lock"
)

// resolveDatabaseLink follows the image database name in dir when it is a
// symbolic link (AdminPath pointing at the image's database through a link)
// and returns the folder and name of the real database. The update must
// replace the real database — replacing the link would leave the real
// image's database unpatched while its files are the new ones — and must
// place the files beside the real database, which is the image.
func resolveDatabaseLink(dir, name string) (realDir, realName string, linked bool, err error) {
	p := filepath.Join(dir, name)
	fi, err := os.Lstat(p)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return dir, name, false, err
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", "", true, err
	}
	if rfi, err := os.Stat(real); err != nil {
		return "", "", true, err
	} else if !rfi.Mode().IsRegular() {
		return "", "", true, &fs.PathError{Op: "open", Path: real, Err: errors.New("the image database link does not lead to a regular file")}
	}
	return filepath.Dir(real), filepath.Base(real), true, nil
}

// realImageRoot is transact's view of a linked database: the folder the
// transaction runs in and the database's name there. When the real database
// lies in another folder than the link, that folder's lock is taken too (and
// whatever a crashed run left there recovered) for as long as the update
// runs; release undoes that.
func realImageRoot(ctx context.Context, imageDir string, last *copyJob, log *zap.Logger) (root string, db *copyJob, release func(), err error) {
	release = func() {}
	if last == nil {
		return imageDir, nil, release, nil
	}
	rd, rn, linked, err := resolveDatabaseLink(imageDir, last.Dst)
	if err != nil {
		return "", nil, release, exitcode.New(exitcode.PackageOpenFailed, "the image database %s: %w", filepath.Join(imageDir, last.Dst), err)
	}
	if !linked {
		return imageDir, last, release, nil
	}
	l := *last
	l.Dst = rn
	log.Info("admin: the image database is a symbolic link; the real database and its folder are updated, the link stays",
		zap.String("link", filepath.Join(imageDir, last.Dst)), zap.String("database", filepath.Join(rd, rn)))
	if sameFile(rd, imageDir) {
		return imageDir, &l, release, nil
	}
	h, err := lock.AcquireFile(ctx, filepath.Join(rd, lock.ImageLockName), lock.Options{Logf: log.Sugar().Infof})
	if err != nil {
		return "", nil, release, err
	}
	if err := recoverLocked(rd, log); err != nil {
		h.Release()
		return "", nil, release, err
	}
	return rd, &l, func() { h.Release() }, nil
}
