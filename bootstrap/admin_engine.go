package bootstrap

import (
	"context"
	"os"
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

// adminApplied lists the patch codes the image records as applied. A run
// first finishes or undoes a transaction a crashed run left in the image, so
// detection sees a whole image; a read-only detection (ohotfix check) only
// reports that one is pending.
func adminApplied(image string, readOnly bool) ([]string, error) {
	dir := filepath.Dir(image)
	if readOnly {
		if _, err := os.Stat(filepath.Join(dir, admin.StagingDirName)); err == nil {
			return nil, exitcode.New(exitcode.PackageInvalid,
				"an update interrupted earlier is pending in %s; `ohotfix run` or `ohotfix admin recover %s` finishes or undoes it first", dir, dir)
		}
	} else if err := admin.Recover(dir); err != nil {
		return nil, err
	}
	img, err := admin.OpenImage(image)
	if err != nil {
		return nil, err
	}
	return img.AppliedPatches, nil
}
