package admin

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// stageShards spreads staged files and backups over several folders: a
// rename locks both parent folders, so parallel switching would otherwise
// queue on one staging folder.
const stageShards = 8

// txn replaces and adds files of an image folder all at once (see the
// package documentation for the protocol and journal.go for the journal).
type txn struct {
	root  string // image folder
	stage string // root/.ohotfix-txn
	log   *zap.Logger
	wrap  func(io.Writer) io.Writer // test fault injection for staged writes

	mu      sync.Mutex
	j       journal
	targets map[string]bool
}

// beginTxn creates the staging folder. The caller holds the image lock and
// has run recovery, so a staging folder left over is an error.
func beginTxn(root string, log *zap.Logger) (*txn, error) {
	stage := filepath.Join(root, stageDirName)
	if err := fileOp("mkdir", stage); err != nil {
		return nil, err
	}
	if err := os.Mkdir(stage, 0o755); err != nil {
		return nil, err
	}
	for _, d := range []string{"new", "old"} {
		for i := range stageShards {
			if err := os.MkdirAll(filepath.Join(stage, d, fmt.Sprintf("%02d", i)), 0o755); err != nil {
				removeAll(stage)
				return nil, err
			}
		}
	}
	return &txn{root: root, stage: stage, log: log, targets: map[string]bool{},
		j: journal{Image: "", Created: time.Now().UTC()}}, nil
}

// add reserves a staged name for the new content of target (image-relative,
// slash-separated) and returns its absolute path. A target can be added once.
func (t *txn) add(target string) (string, error) {
	if !safeRel(target) || target == stageDirName || len(target) > len(stageDirName) && target[:len(stageDirName)+1] == stageDirName+"/" {
		return "", fmt.Errorf("admin: target %q is not a path inside the image", target)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.targets[target] {
		return "", fmt.Errorf("admin: %q is written twice by one transaction", target)
	}
	t.targets[target] = true
	n := len(t.j.Files) + 1
	shard := n % stageShards
	e := journalEntry{Target: target, Staged: fmt.Sprintf("new/%02d/%06d", shard, n), Backup: fmt.Sprintf("old/%02d/%06d", shard, n)}
	t.j.Files = append(t.j.Files, e)
	return filepath.Join(t.stage, filepath.FromSlash(e.Staged)), nil
}

// abort removes the staging folder before anything was switched.
func (t *txn) abort() {
	if err := removeAll(t.stage); err != nil {
		t.log.Warn("admin: removing the staging folder (the next run removes what is left)", zap.Error(err))
	}
}

// commit makes the staged files durable, writes the journal, switches every
// file, marks the transaction committed and cleans up.
//
// The error says what state the image is in: nil means the new image (even
// when cleaning up failed: leftovers then names what stays behind, and the
// next run removes it); a *RollbackFailedError means neither old nor new (the
// journal stays; the next run finishes the rollback); any other error means
// the old image, every change undone.
func (t *txn) commit() (leftovers []string, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	staged := make([]string, 0, len(t.j.Files))
	for i := range t.j.Files {
		e := &t.j.Files[i]
		staged = append(staged, filepath.Join(t.stage, filepath.FromSlash(e.Staged)))
		_, err := os.Lstat(t.abs(e.Target))
		switch {
		case err == nil:
			e.Existed = true
		case !errors.Is(err, os.ErrNotExist):
			t.abort()
			return nil, err
		}
	}
	t.j.Dirs = t.missingDirs()
	start := time.Now()
	if err := fileOp("sync", t.stage); err != nil {
		t.abort()
		return nil, err
	}
	if err := syncFiles(t.stage, staged); err != nil {
		t.abort()
		return nil, fmt.Errorf("syncing staged files: %w", err)
	}
	t.log.Debug("admin: staged files synced", zap.Int("files", len(staged)), zap.Duration("took", time.Since(start)))
	if err := fileOp("journal", t.stage); err != nil {
		t.abort()
		return nil, err
	}
	if err := writeJournal(t.stage, &t.j); err != nil {
		t.abort()
		return nil, fmt.Errorf("writing the journal: %w", err)
	}
	start = time.Now()
	if err := t.switchOver(); err != nil {
		return nil, t.rollBack(err)
	}
	if err := markCommitted(t.stage); err != nil {
		return nil, t.rollBack(fmt.Errorf("marking the transaction committed: %w", err))
	}
	t.log.Debug("admin: switched over and committed", zap.Duration("took", time.Since(start)))
	start = time.Now()
	err = finish(t.root, &t.j)
	t.log.Debug("admin: cleaned up", zap.Duration("took", time.Since(start)))
	if err != nil {
		left := leftoversOf(t.stage)
		t.log.Warn("admin: the image is updated, but cleaning up failed; the next run removes what is left",
			zap.Error(err), zap.Strings("leftovers", left))
		return left, nil
	}
	return nil, nil
}

// rollBack undoes a switch that failed with cause. It returns cause marked
// "rolled back", or a *RollbackFailedError when the image could not be
// put back.
func (t *txn) rollBack(cause error) error {
	left, uerr := undo(t.root, &t.j, t.log)
	if uerr != nil {
		return &RollbackFailedError{Image: t.root, Stage: t.stage, Cause: cause, Rollback: uerr}
	}
	if len(left) > 0 {
		return fmt.Errorf("%w (every change was rolled back; the next run removes the leftovers: %s)", cause, strings.Join(left, ", "))
	}
	return fmt.Errorf("%w (every change was rolled back)", cause)
}

// markCommitted writes the commit mark atomically (temporary name, sync,
// rename, folder sync): it is either absent or whole, so that recovery never
// takes a half-written mark for a commit. Once the rename is done the
// transaction is committed, whatever happens to the folder sync.
func markCommitted(stage string) error {
	if err := fileOp("commit", stage); err != nil {
		return err
	}
	tmp := filepath.Join(stage, committedName+".tmp")
	if err := writeSynced(tmp, []byte("committed\n")); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(stage, committedName)); err != nil {
		return err
	}
	syncDir(stage) // best effort: see the doc comment
	return nil
}

// leftoversOf lists what is left of a staging folder (the folder and up to
// a few files in it) for a warning.
func leftoversOf(stage string) []string {
	const most = 10
	var out []string
	n := 0
	filepath.WalkDir(stage, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if n++; n <= most {
			out = append(out, p)
		}
		return nil
	})
	if n > most {
		out = append(out, fmt.Sprintf("… and %d more in %s", n-most, stage))
	}
	if _, err := os.Lstat(stage); err == nil && len(out) == 0 {
		out = append(out, stage)
	}
	return out
}

func (t *txn) abs(rel string) string { return filepath.Join(t.root, filepath.FromSlash(rel)) }

// missingDirs lists the folders the targets need that do not exist yet,
// parents first.
func (t *txn) missingDirs() []string {
	set := map[string]bool{}
	for _, e := range t.j.Files {
		for d := path.Dir(e.Target); d != "." && d != "/"; d = path.Dir(d) {
			if set[d] {
				break
			}
			if _, err := os.Stat(t.abs(d)); err == nil {
				break
			}
			set[d] = true
		}
	}
	out := make([]string, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) < len(out[j]) || len(out[i]) == len(out[j]) && out[i] < out[j] })
	return out
}

// switchOver creates the missing folders, then for each file moves the
// original aside and the staged file into place (files in parallel: each
// file's two renames stay in order, and undo checks every file's state on
// its own), then syncs the folders.
func (t *txn) switchOver() error {
	for _, d := range t.j.Dirs {
		if err := fileOp("mkdir", t.abs(d)); err != nil {
			return err
		}
		if err := os.Mkdir(t.abs(d), 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return err
		}
	}
	var (
		mu      sync.Mutex
		touched = map[string]bool{}
		errs    []error
		wg      sync.WaitGroup
		failed  atomic.Bool
	)
	workers := min(runtime.GOMAXPROCS(0), len(t.j.Files))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(t.j.Files) && !failed.Load(); i += workers {
				dir, err := t.switchOne(t.j.Files[i])
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
					failed.Store(true)
				} else {
					touched[dir] = true
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return errs[0]
	}
	for i := range stageShards {
		touched[filepath.Join(t.stage, "old", fmt.Sprintf("%02d", i))] = true
	}
	for d := range touched {
		if err := syncDir(d); err != nil {
			return fmt.Errorf("syncing %s: %w", d, err)
		}
	}
	return nil
}

// switchOne moves one original aside and its staged file into place and
// returns the folder it changed.
func (t *txn) switchOne(e journalEntry) (string, error) {
	tgt := t.abs(e.Target)
	if e.Existed {
		if err := fileOp("backup", tgt); err != nil {
			return "", err
		}
		if err := os.Rename(tgt, filepath.Join(t.stage, filepath.FromSlash(e.Backup))); err != nil {
			return "", err
		}
	}
	if err := fileOp("switch", tgt); err != nil {
		return "", err
	}
	if err := os.Rename(filepath.Join(t.stage, filepath.FromSlash(e.Staged)), tgt); err != nil {
		return "", err
	}
	t.log.Debug("admin: switched", zap.String("file", e.Target), zap.Bool("replaced", e.Existed))
	return filepath.Dir(tgt), nil
}

// undo puts back the originals of a journal whose transaction did not reach
// its commit mark. Every step checks what is on disk, so undoing twice (a
// crash during recovery) is harmless. An error means some file could not be
// put back (the journal then stays for the next run); once every file is
// back, failing to delete the staging folder only yields leftovers (what
// stays; the journal may be among them, and undoing it again changes
// nothing), which the next run removes.
func undo(root string, j *journal, log *zap.Logger) (leftovers []string, err error) {
	stage := filepath.Join(root, stageDirName)
	var errs []error
	for i := len(j.Files) - 1; i >= 0; i-- {
		e := j.Files[i]
		tgt := filepath.Join(root, filepath.FromSlash(e.Target))
		stg := filepath.Join(stage, filepath.FromSlash(e.Staged))
		bak := filepath.Join(stage, filepath.FromSlash(e.Backup))
		if e.Existed {
			if exists(bak) {
				err := fileOp("restore", tgt)
				if err == nil {
					err = os.Rename(bak, tgt)
				}
				if err != nil {
					errs = append(errs, err)
				}
			}
			continue
		}
		if !exists(stg) && exists(tgt) {
			err := fileOp("unlink", tgt)
			if err == nil {
				err = os.Remove(tgt)
			}
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	for i := len(j.Dirs) - 1; i >= 0; i-- {
		os.Remove(filepath.Join(root, filepath.FromSlash(j.Dirs[i]))) // only if empty
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	syncDir(root)
	if log == nil {
		log = zap.NewNop()
	}
	log.Info("admin: transaction rolled back", zap.String("image", root), zap.Int("files", len(j.Files)))
	if err := removeStage(stage); err != nil {
		leftovers = leftoversOf(stage)
		log.Warn("admin: the image is rolled back, but removing the staging folder failed; the next run removes what is left",
			zap.Error(err), zap.Strings("leftovers", leftovers))
	}
	return leftovers, nil
}

// finish deletes what a committed transaction no longer needs: the saved
// originals, the journal, the staging folder.
func finish(root string, j *journal) error {
	stage := filepath.Join(root, stageDirName)
	for _, e := range j.Files {
		if !e.Existed {
			continue
		}
		bak := filepath.Join(stage, filepath.FromSlash(e.Backup))
		if err := fileOp("cleanup", bak); err != nil {
			return err
		}
		if err := os.Remove(bak); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return removeStage(stage)
}

// removeStage deletes the staging folder. The journal goes first so that a
// crash (or a failure) later leaves nothing to recover but leftovers; the
// commit mark goes last of the rest, so that a journal never outlives it.
func removeStage(stage string) error {
	if err := fileOp("cleanup", filepath.Join(stage, journalName)); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(stage, journalName)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := fileOp("cleanup", stage); err != nil {
		return err
	}
	return removeAll(stage)
}
