// Package atomicfile writes files so that readers see the old contents or the
// new ones, never half of them: a temporary file in the same folder, synced
// (unless a caller says durability does not matter there), then renamed over
// the target. Every writer of the project goes through it.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// Write creates or replaces path: fill writes the contents into a temporary
// file beside path, which is synced, given perm, renamed over path, and the
// folder synced. On any failure path is left as it was and the temporary
// file is removed.
func Write(path string, perm os.FileMode, fill func(w io.Writer) error) error {
	return write(path, perm, fill, true)
}

// WriteFileUnsynced replaces path atomically, like WriteFile, but does not
// wait for the disk: readers see the old contents or the new ones, and a
// crash may leave the old ones. It is for records that describe a running
// process (a lock's holder), which a crash makes stale anyway; two fsyncs
// there cost a patch run ~4 ms under Wine.
func WriteFileUnsynced(path string, data []byte, perm os.FileMode) error {
	return write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, false)
}

func write(path string, perm os.FileMode, fill func(w io.Writer) error, durable bool) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPattern(path))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = fill(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if durable {
		if err = tmp.Sync(); err != nil {
			return err
		}
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if !durable {
		return nil
	}
	// Make the rename durable; not every system can sync a folder.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteFile is Write with fixed contents.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Mode returns the permission bits of the file at path, or def when there is
// none (a rewrite keeps a file's permissions).
func Mode(path string, def os.FileMode) os.FileMode {
	if fi, err := os.Stat(path); err == nil {
		return fi.Mode().Perm()
	}
	return def
}

// tempPattern names the temporary file of a write of path (os.CreateTemp's
// pattern: ".<name>.<random>.tmp" beside path).
func tempPattern(path string) string { return "." + filepath.Base(path) + ".*.tmp" }

// Leftovers lists the temporary files that writers of path killed between
// creating their temporary file and renaming it left beside path. Only the
// caller knows whether no writer is at work (a lock's holder does).
func Leftovers(path string) ([]string, error) {
	dir := filepath.Dir(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	prefix, suffix, _ := strings.Cut(tempPattern(path), "*")
	var out []string
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && len(n) > len(prefix)+len(suffix) && strings.HasPrefix(n, prefix) && strings.HasSuffix(n, suffix) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out, nil
}

// WriteIn creates or replaces rel inside root as Write does for a path:
// fill writes into a fresh temporary file in rel's folder, which is renamed
// over rel (a symbolic link at rel is replaced, never written through); on
// any failure rel is left as it was and the temporary file is removed. The
// temporary name does not derive from rel's, which may already be as long
// as a file name can be. durable syncs the file before the rename; an
// extraction of many files leaves that to the system.
func WriteIn(root *os.Root, rel string, perm os.FileMode, durable bool, fill func(w io.Writer) error) (err error) {
	tmp, f, err := createTempIn(root, filepath.Dir(rel), perm)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			root.Remove(tmp)
		}
	}()
	err = fill(f)
	if err == nil && durable {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return root.Rename(tmp, rel)
}

// createTempIn creates a fresh, short-named temporary file in dir inside
// root: several writers (one process's workers, other processes) may be at
// work in one folder at once.
func createTempIn(root *os.Root, dir string, perm os.FileMode) (string, *os.File, error) {
	var err error
	for i := 0; i < 100; i++ {
		tmp := filepath.Join(dir, fmt.Sprintf(".atomic-%d-%d.tmp", os.Getpid(), tempSeq.Add(1)))
		var f *os.File
		f, err = root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
			return tmp, f, nil
		}
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	return "", nil, err
}

// tempSeq numbers WriteIn's temporary files.
var tempSeq atomic.Int64
