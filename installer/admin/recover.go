package admin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer/lock"
)

// Recover finishes or undoes a transaction that a crashed run left in the
// image folder imageDir: with its commit mark the leftovers are deleted
// (the new image stays), without it every original is put back (the old
// image stays), and a staging folder without a journal is deleted. It takes
// the image lock without waiting; when another run holds it, that run owns
// the transaction and Recover does nothing. ApplyPatch and Create recover
// by themselves, under their lock.
func Recover(imageDir string) error {
	return RecoverLog(imageDir, nil)
}

// RecoverLog is Recover with a logger for what it did.
func RecoverLog(imageDir string, log *zap.Logger) error {
	if log == nil {
		log = zap.NewNop()
	}
	if _, err := os.Stat(filepath.Join(imageDir, stageDirName)); errors.Is(err, os.ErrNotExist) {
		return nil // the common case: nothing to do, no lock needed
	}
	h, err := lock.AcquireFile(context.Background(), filepath.Join(imageDir, lock.ImageLockName), lock.Options{Timeout: lock.NoWait})
	if err != nil {
		if exitcode.Of(err) == exitcode.AlreadyRunning {
			log.Info("admin: another run holds the image; it owns the pending transaction", zap.Error(err))
			return nil
		}
		return err
	}
	defer h.Release()
	return recoverLocked(imageDir, log)
}

// recoverLocked is Recover for a caller holding the image lock.
func recoverLocked(imageDir string, log *zap.Logger) error {
	stage := filepath.Join(imageDir, stageDirName)
	if _, err := os.Lstat(stage); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	j, err := readJournal(filepath.Join(stage, journalName))
	switch {
	case errors.Is(err, os.ErrNotExist):
		// Crashed while staging: nothing in the image was touched.
		// Or the leftovers of a finished one (rolled back or committed,
		// its journal already deleted): the image is whole either way.
		log.Info("admin: removing an unfinished staging folder", zap.String("dir", stage))
		if err := removeAll(stage); err != nil {
			// Nothing to recover, only leftovers: a warning, not a failure.
			log.Warn("admin: removing the leftovers of an earlier run failed", zap.Error(err), zap.Strings("leftovers", leftoversOf(stage)))
		}
		return nil
	case err != nil:
		return exitcode.New(exitcode.Fatal, "the image %s has an interrupted update whose journal cannot be read (%w); restore the image from a backup or remove %s after checking it", imageDir, err, stage)
	}
	if exists(filepath.Join(stage, committedName)) {
		log.Info("admin: finishing a committed update left by an interrupted run", zap.String("image", imageDir), zap.String("patch", j.Patch))
		if err := finish(imageDir, j); err != nil {
			// The image is the new one; only leftovers remain.
			log.Warn("admin: the interrupted update is committed, but removing its leftovers failed; the next run tries again",
				zap.Error(err), zap.Strings("leftovers", leftoversOf(stage)))
		}
		return nil
	}
	log.Info("admin: rolling back an update left by an interrupted run", zap.String("image", imageDir), zap.String("patch", j.Patch))
	if _, err := undo(imageDir, j, log); err != nil {
		return exitcode.Wrap(exitcode.Fatal, &RollbackFailedError{Image: imageDir, Stage: stage,
			Cause: fmt.Errorf("an earlier run was interrupted (patch %s)", j.Patch), Rollback: err})
	}
	return nil
}
