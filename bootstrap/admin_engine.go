package bootstrap

import (
	"context"
	"path/filepath"
	"time"

	"github.com/ohotfix/ohotfix/bootstrap/exitcode"
	"github.com/ohotfix/ohotfix/installer/admin"
	"github.com/ohotfix/ohotfix/installer/lock"
)

// adminApply runs the admin-image engine for one patch. The engine stages,
// journals and switches over; on failure the image is unchanged and the
// error carries its code.
func adminApply(ctx context.Context, image, patch string, shortNames *bool, logs *Logs, cfg *Config) StepResult {
	wait := time.Duration(cfg.InstallerWaitSeconds) * time.Second
	if cfg.InstallerWaitSeconds == 0 {
		wait = lock.NoWait
	}
	opts := admin.ApplyOptions{ShortNames: shortNames, LockWait: wait}
	if logs != nil {
		opts.Logger = logs.MsiLog
	}
	res, err := admin.ApplyPatch(ctx, image, patch, opts)
	if err != nil {
		return StepResult{Code: exitcode.Of(err), Message: err.Error()}
	}
	return StepResult{Code: exitcode.Success, AlreadyApplied: res.AlreadyApplied, Message: res.Message}
}

// adminApplied lists the patch codes the image records as applied. It first
// finishes or undoes a transaction a crashed run left in the image, so
// detection sees a whole image.
func adminApplied(image string) ([]string, error) {
	if err := admin.Recover(filepath.Dir(image)); err != nil {
		return nil, err
	}
	img, err := admin.OpenImage(image)
	if err != nil {
		return nil, err
	}
	return img.AppliedPatches, nil
}
