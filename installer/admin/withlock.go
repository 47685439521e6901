package admin

import (
	"context"
	"path/filepath"
	"time"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/installer/lock"
)

// withImageLock runs fn holding the image folder's lock, after recovering
// whatever an interrupted run left. A busy lock is waited for up to wait (0:
// lock.DefaultTimeout, lock.NoWait: no wait) and then fails with 1618 naming
// the holder; a lock whose holder died is taken over.
func withImageLock(ctx context.Context, imageDir string, wait time.Duration, log *zap.Logger, fn func() error) error {
	opts := lock.Options{Timeout: wait, Logf: log.Sugar().Infof}
	start := time.Now()
	h, err := lock.AcquireFile(ctx, filepath.Join(imageDir, lock.ImageLockName), opts)
	if err != nil {
		return err
	}
	defer h.Release()
	log.Debug("admin: image lock held", zap.String("dir", imageDir), zap.Duration("took", time.Since(start)))
	if h.TookOver != nil {
		log.Warn("admin: took over the image lock of a run that died", zap.Stringer("holder", h.TookOver))
	}
	if err := recoverLocked(imageDir, log); err != nil {
		return err
	}
	return fn()
}
