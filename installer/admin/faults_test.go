package admin

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

// withoutStage drops the staging folder from a snapshot: leftovers without
// a journal do not make an image old or new.
func withoutStage(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if !strings.HasPrefix(k, stageDirName+"/") {
			out[k] = v
		}
	}
	return out
}

// TestApplyPatchFaultsExitCodeTellsImageState (issue 15) fails every
// journaled file operation of an admin update in turn, two ways: a full disk
// at that one operation (ENOSPC), and a permission change from that
// operation on that stays until someone fixes it (EACCES, sticky: it also
// hits the rollback and the cleanup). Each time the exit code must say what
// the image is:
//
//	0         the new image (leftovers, if any, named in a warning)
//	1603/1632 the old image, byte for byte, and no pending journal
//	1603 with a *RollbackFailedError: an uncommitted journal is pending
//	          (PendingUpdate shows it) and, once the fault is gone, the next
//	          run rolls it back to the old image
//
// After every case, with the fault gone, a run ends with the new image and
// a second run says "already applied".
func TestApplyPatchFaultsExitCodeTellsImageState(t *testing.T) {
	work := t.TempDir()
	fx := buildPatchFixture(t, work)
	pristine, oldTree, newFiles, total := referencePatchRun(t, work, fx)
	isNew := func(img string) bool {
		return diffTrees(newFiles, withoutDB(withoutStage(treeSnapshot(t, img)))) == "" && patchedDB(t, filepath.Join(img, "product.msi"), fx)
	}

	type tally struct{ old, new, rollbackFailed int }
	counts := map[string]*tally{}
	for _, fault := range []struct {
		name   string
		errno  syscall.Errno
		sticky bool
	}{{"ENOSPC", syscall.ENOSPC, false}, {"EACCES-sticky", syscall.EACCES, true}} {
		c := &tally{}
		counts[fault.name] = c
		for n := int64(1); n <= total; n++ {
			img := filepath.Join(work, fmt.Sprintf("%s-%d", fault.name, n))
			copyTree(t, pristine, img)
			msiPath := filepath.Join(img, "product.msi")
			base := opCount.Load()
			var kind string
			testHookFileOp = func(i int64, k, path string) error {
				if i-base == n || fault.sticky && i-base > n {
					if i-base == n {
						kind = k
					}
					return &os.PathError{Op: k, Path: path, Err: fault.errno}
				}
				return nil
			}
			_, err := ApplyPatch(context.Background(), msiPath, fx.Patch, ApplyOptions{})
			testHookFileOp = nil
			what := fmt.Sprintf("%s at op %d of %d (%s)", fault.name, n, total, kind)
			code := exitcode.Of(err)
			pending, perr := PendingUpdate(img)
			if perr != nil {
				t.Fatalf("%s: PendingUpdate: %v", what, perr)
			}
			var rb *RollbackFailedError
			switch {
			case err == nil:
				if !isNew(img) {
					t.Fatalf("%s: exit 0 but the image is not the new one", what)
				}
				if pending != nil && pending.State == PendingUncommitted {
					t.Fatalf("%s: exit 0 with an uncommitted journal: %v", what, pending)
				}
				c.new++
			case errors.As(err, &rb):
				if code != exitcode.Fatal || !strings.Contains(err.Error(), "rolling it back failed too") {
					t.Fatalf("%s: failed rollback reported as %v: %v", what, code, err)
				}
				if pending == nil || pending.State != PendingUncommitted || !strings.Contains(pending.String(), "rolls it back") {
					t.Fatalf("%s: failed rollback but no pending journal shown: %v", what, pending)
				}
				// The fault is gone: the next run's recovery puts the old image back.
				if err := Recover(img); err != nil {
					t.Fatalf("%s: recovery after the failed rollback: %v", what, err)
				}
				if d := diffTrees(oldTree, treeSnapshot(t, img)); d != "" {
					t.Fatalf("%s: after recovery the image is not the old one:\n%s", what, d)
				}
				c.rollbackFailed++
			case code == exitcode.Fatal || code == exitcode.TempUnwritable:
				if fault.errno == syscall.ENOSPC && code != exitcode.TempUnwritable {
					t.Errorf("%s: a full disk gave %v, want 1632", what, code)
				}
				if d := diffTrees(oldTree, withoutStage(treeSnapshot(t, img))); d != "" {
					t.Fatalf("%s: exit %v (\"rolled back\") but the image changed:\n%s", what, code, d)
				}
				// A journal may outlive a rollback only when the cleanup
				// failed too; the error then names the leftovers.
				if pending != nil && pending.State != PendingStaging && !strings.Contains(err.Error(), "leftovers") {
					t.Fatalf("%s: exit %v with a pending journal it does not mention: %v", what, code, pending)
				}
				if pending != nil && pending.State == PendingCommitted {
					t.Fatalf("%s: exit %v with a committed journal", what, code)
				}
				if strings.Contains(err.Error(), "rolling it back failed") {
					t.Fatalf("%s: old image but the message says the rollback failed: %v", what, err)
				}
				c.old++
			default:
				t.Fatalf("%s: unexpected exit %v: %v", what, code, err)
			}
			// With the fault gone, a run completes the update; another is a no-op.
			if _, err := ApplyPatch(context.Background(), msiPath, fx.Patch, ApplyOptions{}); err != nil {
				t.Fatalf("%s: the run after the fault: %v", what, err)
			}
			res, err := ApplyPatch(context.Background(), msiPath, fx.Patch, ApplyOptions{})
			if err != nil || !res.AlreadyApplied || !isNew(img) {
				t.Fatalf("%s: second run after the fault: %+v, %v", what, res, err)
			}
			if _, err := os.Lstat(filepath.Join(img, stageDirName)); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%s: %s left after two clean runs", what, stageDirName)
			}
			os.RemoveAll(img)
		}
		t.Logf("%s at each of %d operations: %d old images (1603/1632), %d new (0), %d failed rollbacks recovered by the next run",
			fault.name, total, c.old, c.new, c.rollbackFailed)
	}
	if counts["ENOSPC"].old == 0 || counts["ENOSPC"].new == 0 || counts["EACCES-sticky"].rollbackFailed == 0 {
		t.Errorf("the faults did not reach every outcome: %+v %+v", *counts["ENOSPC"], *counts["EACCES-sticky"])
	}
}
