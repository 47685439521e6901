package admin

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"go.uber.org/zap"
)

// createdPaths remembers the files and folders a Create run makes that did
// not exist before it, so that a failed run can take back exactly those and
// nothing that was in the folder already.
type createdPaths struct {
	files []string
	dirs  []string
}

// mkdirAll is os.MkdirAll(d) that notes every folder it creates between
// root (not included) and d.
func (c *createdPaths) mkdirAll(root, d string) error {
	var missing []string
	for p := d; len(p) > len(root); p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, p)
	}
	if err := os.MkdirAll(d, 0o755); err != nil {
		return err
	}
	c.dirs = append(c.dirs, missing...)
	return nil
}

// noteFile records p as created by this run when it does not exist yet.
func (c *createdPaths) noteFile(p string) {
	if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		c.files = append(c.files, p)
	}
}

// remove deletes the noted files, then the noted folders deepest first
// (os.Remove: a folder someone else put a file into stays).
func (c *createdPaths) remove(log *zap.Logger) {
	for _, f := range c.files {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			log.Warn("admin: could not remove a file of the failed image", zap.String("path", f), zap.Error(err))
		}
	}
	sort.Slice(c.dirs, func(i, j int) bool { return len(c.dirs[i]) > len(c.dirs[j]) })
	for _, d := range c.dirs {
		if err := os.Remove(d); err != nil && !errors.Is(err, fs.ErrNotExist) {
			log.Warn("admin: could not remove a folder of the failed image", zap.String("path", d), zap.Error(err))
		}
	}
	if len(c.files)+len(c.dirs) > 0 {
		log.Info("admin: removed what the failed run had written", zap.Int("files", len(c.files)), zap.Int("folders", len(c.dirs)))
	}
}
