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
)

// transactOptions tune transact.
type transactOptions struct {
	Patch string // recorded in the journal
	Log   *zap.Logger
	Wrap  func(io.Writer) io.Writer // test fault injection for staged writes
	// Warn, when set, receives a one-line warning for the user: the update
	// is committed but leftovers could not be removed (the run succeeds).
	Warn func(string)
}

// transact replaces and adds the files of jobs (Dst image-relative,
// slash-separated) and then last (the database, when not nil) in imageDir as
// one transaction. The caller holds the image lock and has recovered. A
// target whose folders under imageDir include a symbolic link is refused
// before anything is staged (dirGuard). Every failure leaves the image as it
// was and carries exitcode.Fatal (1603) — or exitcode.TempUnwritable (1632)
// when a disk was full — except cancellation (1602) and corrupt cabinet data
// in the patch (1636). The one failure that does not leave the old image is
// a failed rollback: a *RollbackFailedError (1603) with its own message. A
// committed update whose cleanup failed is a success: nil, with a warning
// naming the leftovers (o.Warn and the log).
func transact(ctx context.Context, imageDir string, jobs []copyJob, last *copyJob, o transactOptions) error {
	log := o.Log
	if log == nil {
		log = zap.NewNop()
	}
	imageDir, last, release, err := realImageRoot(ctx, imageDir, last, log)
	if err != nil {
		return err
	}
	defer release()
	guard := newDirGuard(imageDir)
	for _, j := range jobs {
		if err := guard.check(j.Dst); err != nil {
			return err
		}
	}
	if err := checkSpace(stagingNeed(imageDir, jobs, last)); err != nil {
		log.Error("admin: not enough space to stage the update; the image was not changed", zap.Error(err))
		return err
	}
	t, err := beginTxn(imageDir, log)
	if err != nil {
		return exitcode.New(failureCode(err), "creating the staging folder in %s: %w", imageDir, err)
	}
	t.wrap = o.Wrap
	t.j.Patch = o.Patch
	pool := newWriterPool(o.Wrap)
	stageOne := func(j copyJob) error {
		if err := ctx.Err(); err != nil {
			return exitcode.Wrap(exitcode.UserCancelled, err)
		}
		p, err := t.add(j.Dst)
		if err != nil {
			return err
		}
		if err := fileOp("stage", p); err != nil {
			return err
		}
		if j.Write != nil {
			return j.Write(p)
		}
		r, err := j.open()
		if err != nil {
			return exitcode.New(exitcode.PatchInvalid, "reading the new %s: %w", j.Dst, err)
		}
		defer r.Close()
		if err := pool.write(p, r, j.Size, j.modTime()); err != nil {
			return err
		}
		log.Debug("admin: staged", zap.String("file", j.Dst), zap.Int64("size", j.Size))
		return nil
	}
	start := time.Now()
	all := jobs
	if last != nil {
		// The database is its own group: it is written while the cabinet
		// is decoded (runJobs runs groups in parallel). Its journal entry
		// is as good anywhere in the list: the switch is all or nothing.
		all = append([]copyJob{*last}, jobs...)
	}
	err = runJobs(all, stageOne)
	if werr := pool.wait(); err == nil {
		err = werr
	}
	if err != nil {
		t.abort()
		log.Error("admin: staging failed; the image was not changed", zap.Error(err))
		if exitcode.Of(err) != exitcode.Fatal {
			return err
		}
		if errors.Is(err, cab.ErrFormat) {
			// The patch's cabinet data is corrupt (a read error, not a
			// write error): the patch is invalid, not the machine.
			return exitcode.New(exitcode.PatchInvalid, "the patch's cabinet is corrupt, the image was not changed: %w", err)
		}
		return exitcode.New(failureCode(err), "staging the new files in %s failed, the image was not changed: %w", filepath.Join(imageDir, stageDirName), err)
	}
	log.Debug("admin: new files and database staged", zap.Int("files", len(jobs)), zap.Duration("took", time.Since(start)))
	leftovers, err := t.commit()
	var rbErr *RollbackFailedError
	switch {
	case errors.As(err, &rbErr):
		log.Error("admin: the update failed and rolling back failed too; the journal stays for the next run", zap.Error(err))
		return exitcode.Wrap(exitcode.Fatal, err)
	case err != nil:
		log.Error("admin: switching the image over failed; the image was rolled back", zap.Error(err))
		return exitcode.New(failureCode(err), "updating the image %s: %w", imageDir, err)
	case len(leftovers) > 0 && o.Warn != nil:
		o.Warn(fmt.Sprintf("the image %s is updated, but these leftovers could not be removed (the next run removes them): %s",
			imageDir, strings.Join(leftovers, ", ")))
	}
	return nil
}

// stagingNeed is what staging jobs and last (the database, written by
// last.Write) needs in imageDir; the new database is taken as the current
// one plus an eighth (a patch adds rows; its exact size is known only once
// written).
func stagingNeed(imageDir string, jobs []copyJob, last *copyJob) SpaceNeed {
	sizes := make([]int64, 0, len(jobs))
	for _, j := range jobs {
		sizes = append(sizes, max(j.Size, 0))
	}
	var db int64
	if last != nil {
		if fi, err := os.Stat(filepath.Join(imageDir, last.Dst)); err == nil {
			db = fi.Size() + fi.Size()/8
		}
	}
	return spaceFor(imageDir, sizes, db)
}

// failureCode is the exit code of a failure that left the old image: 1632
// when a disk was full (not enough space in the target folder), else 1603.
func failureCode(err error) exitcode.Code {
	if isDiskFull(err) {
		return exitcode.TempUnwritable
	}
	return exitcode.Fatal
}
