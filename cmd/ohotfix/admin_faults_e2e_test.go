package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/installer/admin"
)

// imageState hashes an image's files, without the lock files and the
// staging folder (leftovers without effect on what the image is), and says
// whether its database records a patch (a patched database differs from run
// to run: it records when the patch was applied).
func imageState(t *testing.T, dir string) string {
	im, err := admin.OpenImage(filepath.Join(dir, "v1.msi"))
	if err != nil {
		return "database unreadable: " + err.Error()
	}
	return fmt.Sprintf("patches %v\n%s", im.AppliedPatches, filesState(dir))
}

// filesState hashes the files of an image but its database; the old
// database is compared byte for byte (see oldDB).
func filesState(dir string) string {
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == ".ohotfix-txn" {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".ohotfix") || d.Name() == "v1.msi" {
			return nil
		}
		data, _ := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, fmt.Sprintf("%x %s", sha256.Sum256(data), rel))
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// Issue 15: a full disk (ENOSPC at one operation) or a permission change
// that stays (EACCES from one operation on, rollback and cleanup included)
// at every journaled file operation of `ohotfix run` in admin mode — the
// binary built with the ohotfix_testhooks tag takes the fault from
// OHOTFIX_TEST_FAULT_AT. The process status must tell the image: 0/3010 ⇔
// the new image; 1603/1632 ⇔ the old image, except a failed rollback (its
// own message), which the next run completes. With the fault gone, a run
// patches the image and the one after says "already applied".
func TestAdminFaultsExitStatusTellsImageState(t *testing.T) {
	if testing.Short() {
		t.Skip("fault injection over every operation: skipped in -short mode")
	}
	updates, image := adminCase(t, "")
	oldState := imageState(t, image)
	oldDB, _ := os.ReadFile(filepath.Join(image, "v1.msi"))
	isOld := func() bool {
		db, _ := os.ReadFile(filepath.Join(image, "v1.msi"))
		return imageState(t, image) == oldState && string(db) == string(oldDB)
	}
	ref, refImage := adminCase(t, "")
	if r := runIn(t, ref, nil); r.status != 0 {
		t.Fatalf("clean run: %d %s", r.status, r.stderr)
	}
	newState := imageState(t, refImage)
	pristine := filepath.Join(t.TempDir(), "pristine")
	copyTree(t, image, pristine)

	const most = 80 // far more operations than a run of this patch makes
	summary := map[string][4]int{}
	for _, fault := range []string{"ENOSPC", "EACCES:sticky"} {
		var tally [4]int // old, new, rollback failed, first operation past the last
		for n := 1; n <= most; n++ {
			os.RemoveAll(image)
			copyTree(t, pristine, image)
			spec := fmt.Sprintf("%d:%s", n, fault)
			r := runIn(t, updates, []string{"OHOTFIX_TEST_FAULT_AT=" + spec})
			state := imageState(t, image)
			what := fmt.Sprintf("fault %s: status %d", spec, r.status)
			_, stageErr := os.Lstat(filepath.Join(image, ".ohotfix-txn"))
			switch r.status {
			case 0, 3010 & 0xff:
				if state != newState {
					t.Fatalf("%s but the image is not the new one\n%s", what, r.stderr)
				}
				tally[1]++
			case 1603 & 0xff, 1632 & 0xff:
				if strings.Contains(r.stderr, "rolling it back failed too") {
					tally[2]++ // neither old nor new: the next run must finish the rollback
					break
				}
				if !isOld() {
					t.Fatalf("%s (\"rolled back\") but the image changed\n%s", what, r.stderr)
				}
				if fault == "ENOSPC" && r.status != 1632&0xff {
					t.Errorf("%s: a full disk must give 1632 (not enough space)\n%s", what, r.stderr)
				}
				tally[0]++
			default:
				t.Fatalf("%s: unexpected status\n%s", what, r.stderr)
			}
			if strings.Contains(r.stderr, "rolling it back failed too") {
				// `ohotfix check` shows the pending journal and changes
				// nothing; the next `ohotfix run` (below) finishes the
				// rollback first, even when it left the database moved aside.
				rc := runBinary(t, []string{"TMPDIR=" + t.TempDir()}, "check", updates)
				if rc.status == 0 || !strings.Contains(rc.stdout+rc.stderr, ".ohotfix-txn") {
					t.Fatalf("%s; check does not show the pending update: status %d\n%s%s", what, rc.status, rc.stdout, rc.stderr)
				}
			}
			// The fault is gone: the update completes, then is a no-op.
			if r2 := runIn(t, updates, nil); r2.status != 0 || imageState(t, image) != newState {
				t.Fatalf("%s; the run after it: status %d\n%s", what, r2.status, r2.stderr)
			}
			r3 := runIn(t, updates, nil, "--set", "OHotfixUILevel=n")
			if r3.status != 0 || !strings.Contains(r3.stdout+r3.stderr, "already applied") {
				t.Fatalf("%s; the second run after it: status %d\n%s%s", what, r3.status, r3.stdout, r3.stderr)
			}
			if _, err := os.Lstat(filepath.Join(image, ".ohotfix-txn")); err == nil {
				t.Fatalf("%s; .ohotfix-txn left after two clean runs", what)
			}
			if r.status == 0 && stageErr != nil {
				// No leftovers after a success: the fault came after the last
				// operation, and so would every later one.
				tally[3] = n
				break
			}
		}
		summary[fault] = tally
		t.Logf("%s at each operation: %d old images (1603/1632), %d new (0), %d failed rollbacks completed by the next run; no fault hit from operation %d on",
			fault, tally[0], tally[1], tally[2], tally[3])
	}
	if summary["ENOSPC"][0] == 0 || summary["ENOSPC"][1] == 0 || summary["EACCES:sticky"][2] == 0 {
		t.Errorf("the faults did not reach every outcome: %v", summary)
	}
}
